import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
  type ConnectionPorts,
} from '../../../app/connections/connections.js';
import type { memberNames } from '../../../app/environments/members.js';
import { connectionResource } from '../../connection-presenters.js';
import { withOwnerName, withOwnerNames } from '../../owner-names.js';
import type { ConnectionPath, EnvironmentPath } from '../path-schemas.js';
import type { createConnectionSchema, updateConnectionSchema } from './connection-schemas.js';

/** What the connection routes need of the composition root: the use cases' ports and the owners' names. */
export type ConnectionRoutePorts = ConnectionPorts & Parameters<typeof memberNames>[0];

/** `POST environments/{env}/connections` */
export async function createConnectionHandler(
  req: ApiRequest<z.output<typeof createConnectionSchema>, EnvironmentPath>,
  deps: ConnectionRoutePorts,
): Promise<ApiResponse> {
  const view = await createConnection(deps, req.principal, req.params.env, req.body);
  const { connection } = view;
  return {
    status: 201,
    body: await withOwnerName(deps, view.connection.environmentId, connectionResource(view)),
    etag: connection.etag,
    location: `environments/${connection.environmentId}/connections/${connection.id}`,
  };
}

/** `GET environments/{env}/connections` */
export async function listConnectionsHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: ConnectionRoutePorts): Promise<ApiResponse> {
  const views = await listConnections(deps, req.principal, req.params.env);
  return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, views.map(connectionResource)) } };
}

/** `GET environments/{env}/connections/{id}` */
export async function getConnectionHandler(req: ApiRequest<undefined, ConnectionPath>, deps: ConnectionRoutePorts): Promise<ApiResponse> {
  const view = await getConnection(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: await withOwnerName(deps, view.connection.environmentId, connectionResource(view)), etag: view.connection.etag };
}

/** `PATCH environments/{env}/connections/{id}` */
export async function updateConnectionHandler(
  req: ApiRequest<z.output<typeof updateConnectionSchema>, ConnectionPath>,
  deps: ConnectionRoutePorts,
): Promise<ApiResponse> {
  const view = await updateConnection(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: await withOwnerName(deps, view.connection.environmentId, connectionResource(view)), etag: view.connection.etag };
}

/** `DELETE environments/{env}/connections/{id}` */
export async function deleteConnectionHandler(req: ApiRequest<undefined, ConnectionPath>, deps: ConnectionPorts): Promise<ApiResponse> {
  await deleteConnection(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
  return { status: 204 };
}
