import { z } from 'zod';
import { GUID, nameSchema, resourceFields } from '../../common-schemas.js';
import { OWNER_NAME_DESCRIPTION } from '../../owner-names.js';

/** the group's local account username (Azure allows 1..20 characters) */
const usernameSchema = z.string().min(1).max(20);
/** kept in the secret store only; never returned; must be the group's account password */
const passwordSchema = z.string().min(1).max(123);
const credentialIdSchema = z.string().regex(GUID, 'Must be the id (GUID) of a credential of the environment.');

/** Either `username` and `password`, or `credentialId` (a credential that holds them), never both. */
function oneKindOfCredentials(
  body: { username?: string | undefined; password?: string | undefined; credentialId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (body.credentialId !== undefined) {
    for (const field of ['username', 'password'] as const) {
      if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'Give either username and password, or credentialId, not both.' });
    }
    return;
  }
  for (const field of ['username', 'password'] as const) {
    if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'Required (or give credentialId instead).' });
  }
}

export const createConnectionSchema = z
  .strictObject({
    name: nameSchema,
    groupId: z.string().regex(GUID, 'Must be the id (GUID) of a hosted machine group.'),
    username: usernameSchema.optional(),
    password: passwordSchema.optional(),
    credentialId: credentialIdSchema.optional(),
    kind: z.literal('direct-to-machine').optional(),
    runMode: z.literal('unattended').optional(),
  })
  .superRefine(oneKindOfCredentials)
  .meta({ id: 'ConnectionCreate' });

export const updateConnectionSchema = z
  .strictObject({
    name: nameSchema.optional(),
    password: passwordSchema.optional(),
    credentialId: credentialIdSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.password !== undefined && body.credentialId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['credentialId'], message: 'Give either password or credentialId, not both.' });
  })
  .meta({ id: 'ConnectionUpdate' });

export const connectionSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    groupId: z.string(),
    kind: z.literal('direct-to-machine'),
    runMode: z.literal('unattended'),
    username: z.string(),
    credentialId: z.string().optional().describe('the credential the connection uses instead of a password of its own'),
    ownerId: z.string(),
    ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
    groupStatus: z.enum(['active', 'deleted']),
    credentialsOutdated: z
      .boolean()
      .describe(
        "the group's account password was rotated since the connection's credentials were checked: runs answer 422 CredentialsOutdated until its owner updates it",
      ),
  })
  .meta({ id: 'Connection' });
