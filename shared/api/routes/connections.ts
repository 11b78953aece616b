import { z } from 'zod';
import { defineRoute, type ApiRoute } from '../../http/api-route.js';
import { createConnection, deleteConnection, getConnection, listConnections } from '../../services/connections.js';
import { GUID, listOf, nameSchema, problemSchema, resourceFields } from '../common-schemas.js';
import { connectionResource } from '../connection-presenters.js';

const createConnectionSchema = z
  .strictObject({
    name: nameSchema,
    groupId: z.string().regex(GUID, 'Must be the id (GUID) of a hosted machine group.'),
    /** the group's local account username (Azure allows 1..20 characters) */
    username: z.string().min(1).max(20),
    /** kept in the secret store only; never returned */
    password: z.string().min(1).max(123),
    kind: z.literal('direct-to-machine').optional(),
    runMode: z.literal('unattended').optional(),
  })
  .meta({ id: 'ConnectionCreate' });

const connectionSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    groupId: z.string(),
    kind: z.literal('direct-to-machine'),
    runMode: z.literal('unattended'),
    username: z.string(),
    ownerId: z.string(),
    groupStatus: z.enum(['active', 'deleted']),
  })
  .meta({ id: 'Connection' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Connections';

export const connectionsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'createConnection',
    method: 'POST',
    route: 'environments/{env}/connections',
    summary: "Create a direct-to-machine, unattended connection to a group with the group's local account (owner, User or CoOwner of the group).",
    tag: TAG,
    auth: 'user',
    body: createConnectionSchema,
    responses: {
      201: { description: 'Created', schema: connectionSchema },
      400: problem('Invalid body'),
      403: problem('No right to connect to the group'),
      404: problem('Environment or group not found'),
      422: problem('HostedRpaDisabled, GroupDeleted or UsernameMismatch'),
    },
    async handle(req, deps) {
      const { connection, groupStatus } = await createConnection(deps, req.principal, req.params.env, req.body);
      return {
        status: 201,
        body: connectionResource(connection, groupStatus),
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
      return { status: 200, body: { items: views.map((v) => connectionResource(v.connection, v.groupStatus)) } };
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
      const { connection, groupStatus } = await getConnection(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: connectionResource(connection, groupStatus), etag: connection.etag };
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
