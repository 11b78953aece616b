import { z } from 'zod';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import { createConnection, deleteConnection, getConnection, listConnections, updateConnection } from '../../app/connections/connections.js';
import { GUID, listOf, nameSchema, problemSchema, resourceFields } from '../common-schemas.js';
import { connectionResource } from '../connection-presenters.js';
import { OWNER_NAME_DESCRIPTION, withOwnerName, withOwnerNames } from '../owner-names.js';

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

const createConnectionSchema = z
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

const updateConnectionSchema = z
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

const connectionSchema = z
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

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Connections';

export const connectionsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'createConnection',
    method: 'POST',
    route: 'environments/{env}/connections',
    summary:
      "Create a direct-to-machine, unattended connection to a group with the group's local account (owner, User or CoOwner of the group): `username` and `password` (the account's: checked, kept in the secret store only) or `credentialId` (a credential the caller may use).",
    tag: TAG,
    auth: 'user',
    body: createConnectionSchema,
    responses: {
      201: { description: 'Created', schema: connectionSchema },
      400: problem('Invalid body'),
      403: problem('No right to connect to the group'),
      404: problem('Environment, group or credential not found'),
      422: problem("InvalidCredentials (not the group's account password), HostedRpaDisabled, GroupDeleted, UsernameMismatch, SecretNotReadable"),
    },
    async handle(req, deps) {
      const view = await createConnection(deps, req.principal, req.params.env, req.body);
      const { connection } = view;
      return {
        status: 201,
        body: await withOwnerName(deps, view.connection.environmentId, connectionResource(view)),
        etag: connection.etag,
        location: `environments/${connection.environmentId}/connections/${connection.id}`,
      };
    },
  }),
  defineRoute({
    name: 'listConnections',
    method: 'GET',
    route: 'environments/{env}/connections',
    summary: "List the caller's connections; all of them for SystemAdministrators, those of their groups for group owners and CoOwners.",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Connections', schema: listOf(connectionSchema) }, 404: problem('Environment not found') },
    async handle(req, deps) {
      const views = await listConnections(deps, req.principal, req.params.env);
      return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, views.map(connectionResource)) } };
    },
  }),
  defineRoute({
    name: 'getConnection',
    method: 'GET',
    route: 'environments/{env}/connections/{id}',
    summary: 'Read a connection (its owner, SystemAdministrators, its group owner and CoOwners); never its password.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The connection', schema: connectionSchema }, 404: problem('Not found or not visible') },
    async handle(req, deps) {
      const view = await getConnection(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: await withOwnerName(deps, view.connection.environmentId, connectionResource(view)), etag: view.connection.etag };
    },
  }),
  defineRoute({
    name: 'updateConnection',
    method: 'PATCH',
    route: 'environments/{env}/connections/{id}',
    summary:
      "Rename a connection, or update its credentials after the group's account password was rotated (its owner only): `password` (the account's new one, checked) or `credentialId`. Needs the owner's current use of the group.",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: updateConnectionSchema,
    responses: {
      200: { description: 'Updated', schema: connectionSchema },
      400: problem('Invalid body, or both password and credentialId'),
      403: problem("Not the connection's owner; GroupAccessRevoked: the owner no longer has use of the group"),
      404: problem('Not found or not visible; or the credential is not visible'),
      412: problem('Stale If-Match'),
      422: problem("InvalidCredentials (not the group's account password), GroupDeleted, UsernameMismatch, SecretNotReadable"),
    },
    async handle(req, deps) {
      const view = await updateConnection(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: await withOwnerName(deps, view.connection.environmentId, connectionResource(view)), etag: view.connection.etag };
    },
  }),
  defineRoute({
    name: 'deleteConnection',
    method: 'DELETE',
    route: 'environments/{env}/connections/{id}',
    summary: 'Delete a connection and its secret (its owner, SystemAdministrators, its group owner and CoOwners).',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: { 204: { description: 'Deleted' }, 404: problem('Not found or not visible'), 412: problem('Stale If-Match') },
    async handle(req, deps) {
      await deleteConnection(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
      return { status: 204 };
    },
  }),
];
