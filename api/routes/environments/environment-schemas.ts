import { isoTimeSchema, nameSchema, resourceFields, userIdSchema } from '../../common-schemas.js';
import { z } from 'zod';
import { ROLES } from '../../../domain/roles.js';
import { SUPPORTED_GEOGRAPHIES, UNSUPPORTED_GEOGRAPHIES } from '../../../domain/geography.js';
import { pagingQueryDocs } from '../../paging.js';

const planSchema = z.enum(['paid', 'trial']);

export const environmentSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    geography: z.enum(SUPPORTED_GEOGRAPHIES),
    region: z.string(),
    plan: planSchema,
    capacity: z.number().int(),
    hostedRpaEnabled: z.boolean(),
    groupCount: z.number().int(),
    createdBy: z.string(),
  })
  .meta({ id: 'Environment' });

export const createEnvironmentSchema = z
  .strictObject({
    name: nameSchema,
    geography: z.enum([...SUPPORTED_GEOGRAPHIES, ...UNSUPPORTED_GEOGRAPHIES]),
    plan: planSchema,
    capacity: z.number().int().min(0).max(10_000),
  })
  .meta({ id: 'EnvironmentCreate' });

export const updateEnvironmentSchema = z
  .strictObject({
    capacity: z.number().int().min(0).max(10_000).optional(),
    plan: planSchema.optional(),
    hostedRpaEnabled: z.boolean().optional(),
  })
  .meta({ id: 'EnvironmentUpdate' });

export const capacitySchema = z
  .object({
    capacity: z.number().int(),
    parallelLimit: z.number().int(),
    committed: z.number().int(),
    inUse: z.number().int(),
    available: z.number().int(),
    groups: z.array(z.object({ groupId: z.string(), name: z.string(), committed: z.number().int(), maxBots: z.number().int(), activeBots: z.number().int() })),
  })
  .meta({ id: 'Capacity' });

export const memberSchema = z
  .object({
    ...resourceFields,
    userId: z.string(),
    name: z.string().optional(),
    roles: z.array(z.enum(ROLES)),
    active: z.boolean(),
    deactivatedAt: z.string().optional(),
  })
  .meta({ id: 'Member' });

export const setRolesSchema = z.strictObject({ roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length) }).meta({ id: 'MemberRoles' });

export const meSchema = z
  .object({
    id: z.string().describe('The caller (`oid` of its token).'),
    name: z.string(),
    platformAdmin: z.boolean().describe('Holds the Platform.Admin app role: may create environments and lists them all.'),
    isApp: z.boolean().describe('A service principal (a cloud flow connection), not a user.'),
    environments: z
      .array(z.object({ id: z.string(), name: z.string(), roles: z.array(z.enum(ROLES)) }))
      .describe('The environments the caller is an active member of, with its roles there (at most 200).'),
    environmentsTruncated: z.boolean().describe('More than 200 memberships: page through GET /environments.'),
  })
  .meta({ id: 'Me' });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().describe('The user or app (service principal) that wrote.'),
    actorName: z.string().optional(),
    actorIsApp: z.boolean(),
    action: z.string().describe('The operation (operationId of this document), e.g. updateGroup.'),
    method: z.string(),
    route: z.string(),
    targetId: z.string().describe('The resource written: its id from the path, or the id of what was created (a resubmitted run: the new run).'),
    changedFields: z.array(z.string()).describe('Names of the top-level fields the request sent; never their values.'),
    status: z.number().int().describe('The answer given; 0 while unconfirmed.'),
    outcome: z
      .enum(['confirmed', 'unconfirmed', 'implied'])
      .describe(
        'unconfirmed: filed before the write and never confirmed (the request failed unexpectedly or its host stopped): the change may or may not have landed. implied (submitRun, resubmitRun): filed once before the write as its success is answered; the run named by targetId exists if and only if it landed.',
      ),
  })
  .meta({ id: 'AuditEntry' });

export const auditQueryDocs = {
  actor: { description: 'Only writes by this user or app (its id).', schema: userIdSchema },
  targetId: { description: 'Only writes to this resource (its id).', schema: userIdSchema },
  from: { description: 'Only writes at or after this time (ISO 8601).', schema: isoTimeSchema },
  to: { description: 'Only writes at or before this time (ISO 8601); not before `from`.', schema: isoTimeSchema },
  ...pagingQueryDocs,
};
