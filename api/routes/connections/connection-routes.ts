import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { connectionPath, environmentPath } from '../path-schemas.js';
import {
  createConnectionHandler,
  deleteConnectionHandler,
  getConnectionHandler,
  listConnectionsHandler,
  updateConnectionHandler,
} from './connection-handlers.js';
import type { ConnectionRoutePorts } from './connection-handlers.js';
import { connectionSchema, createConnectionSchema, updateConnectionSchema } from './connection-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Connections';

/** The connection routes, in the order the host matches them. */
export const connectionsRoutes: ApiRoute<unknown, RawPathParams, ConnectionRoutePorts>[] = [
  defineRoute({
    name: 'createConnection',
    method: 'POST',
    route: 'environments/{env}/connections',
    params: environmentPath,
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
    handle: createConnectionHandler,
  }),
  defineRoute({
    name: 'listConnections',
    method: 'GET',
    route: 'environments/{env}/connections',
    params: environmentPath,
    summary: "List the caller's connections; all of them for SystemAdministrators, those of their groups for group owners and CoOwners.",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Connections', schema: listOf(connectionSchema) }, 404: problem('Environment not found') },
    handle: listConnectionsHandler,
  }),
  defineRoute({
    name: 'getConnection',
    method: 'GET',
    route: 'environments/{env}/connections/{id}',
    params: connectionPath,
    summary: 'Read a connection (its owner, SystemAdministrators, its group owner and CoOwners); never its password.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The connection', schema: connectionSchema }, 404: problem('Not found or not visible') },
    handle: getConnectionHandler,
  }),
  defineRoute({
    name: 'updateConnection',
    method: 'PATCH',
    route: 'environments/{env}/connections/{id}',
    params: connectionPath,
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
    handle: updateConnectionHandler,
  }),
  defineRoute({
    name: 'deleteConnection',
    method: 'DELETE',
    route: 'environments/{env}/connections/{id}',
    params: connectionPath,
    summary: 'Delete a connection and its secret (its owner, SystemAdministrators, its group owner and CoOwners).',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: { 204: { description: 'Deleted' }, 404: problem('Not found or not visible'), 412: problem('Stale If-Match') },
    handle: deleteConnectionHandler,
  }),
];
