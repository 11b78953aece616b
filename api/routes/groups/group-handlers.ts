import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import {
  createGroup,
  deleteGroup,
  getGroup,
  getGroupAccess,
  listGroupConnections,
  listGroupErrors,
  listGroups,
  reactivateGroup,
  setGroupAccess,
  updateGroup,
  type GroupQueryPorts,
} from '../../../app/groups.js';
import type { CreateGroupPorts } from '../../../app/groups/create-group.js';
import type { GroupAccessPorts } from '../../../app/groups/group-access.js';
import type { ReactivateGroupPorts } from '../../../app/groups/reactivate-group.js';
import type { UpdateGroupPorts } from '../../../app/groups/update-group.js';
import { groupConnectionResource, groupDetailsResource, groupResource, provisioningErrorResource } from '../../group-presenters.js';
import { withOwnerNames } from '../../owner-names.js';
import type { accessListBodySchema } from '../../share-schemas.js';
import type { EnvironmentPath, GroupPath } from '../path-schemas.js';
import type { createGroupSchema, updateGroupSchema } from './group-schemas.js';

/** What the group routes need of the composition root: the ports of the use cases they call. */
export type GroupRoutePorts = GroupQueryPorts & CreateGroupPorts & UpdateGroupPorts & ReactivateGroupPorts & GroupAccessPorts;

/** `GET environments/{env}/groups` */
export async function listGroupsHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: GroupQueryPorts): Promise<ApiResponse> {
  const views = await listGroups(deps, req.principal, req.params.env);
  return { status: 200, body: { items: views.map(groupResource) } };
}

/** `POST environments/{env}/groups` */
export async function createGroupHandler(req: ApiRequest<z.output<typeof createGroupSchema>, EnvironmentPath>, deps: CreateGroupPorts): Promise<ApiResponse> {
  const view = await createGroup(deps, req.principal, req.params.env, req.body);
  const { group } = view;
  return { status: 201, body: groupDetailsResource(view), etag: group.etag, location: `environments/${group.environmentId}/groups/${group.id}` };
}

/** `GET environments/{env}/groups/{id}` */
export async function getGroupHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupQueryPorts): Promise<ApiResponse> {
  const view = await getGroup(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
}

/** `PATCH environments/{env}/groups/{id}` */
export async function updateGroupHandler(req: ApiRequest<z.output<typeof updateGroupSchema>, GroupPath>, deps: UpdateGroupPorts): Promise<ApiResponse> {
  const view = await updateGroup(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
}

/** `DELETE environments/{env}/groups/{id}` */
export async function deleteGroupHandler(req: ApiRequest<undefined, GroupPath>, deps: UpdateGroupPorts): Promise<ApiResponse> {
  await deleteGroup(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
  return { status: 204 };
}

/** `POST environments/{env}/groups/{id}/reactivate` */
export async function reactivateGroupHandler(req: ApiRequest<undefined, GroupPath>, deps: ReactivateGroupPorts): Promise<ApiResponse> {
  const view = await reactivateGroup(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
  return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
}

/** `GET environments/{env}/groups/{id}/access` */
export async function getGroupAccessHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupAccessPorts): Promise<ApiResponse> {
  const { group, items } = await getGroupAccess(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: { items }, etag: group.etag };
}

/** `PUT environments/{env}/groups/{id}/access` */
export async function setGroupAccessHandler(req: ApiRequest<z.output<typeof accessListBodySchema>, GroupPath>, deps: GroupAccessPorts): Promise<ApiResponse> {
  const { group, items } = await setGroupAccess(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: { items }, etag: group.etag };
}

/** `GET environments/{env}/groups/{id}/connections` */
export async function listGroupConnectionsHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupQueryPorts): Promise<ApiResponse> {
  const connections = await listGroupConnections(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, connections.map(groupConnectionResource)) } };
}

/** `GET environments/{env}/groups/{id}/errors` */
export async function listGroupErrorsHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupQueryPorts): Promise<ApiResponse> {
  const errors = await listGroupErrors(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: { items: errors.map(provisioningErrorResource) } };
}
