import { isoTimeSchema, userIdSchema } from '../../common-schemas.js';
import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import {
  createEnvironment,
  getCapacity,
  getEnvironment,
  updateEnvironment,
  type EnvironmentPorts,
  type UpdateEnvironmentPorts,
} from '../../../app/environments.js';
import { listAudit, type AuditPorts } from '../../../app/audit.js';
import type { AuditDocument } from '../../../app/audit-log.js';
import { getMe, listEnvironments, type MePorts } from '../../../app/me.js';
import { deactivateMember, listMembers, setMemberRoles, type MemberPorts } from '../../../app/environments/members.js';
import { pageOf } from '../../paging.js';
import { queryFilters } from '../../query-filters.js';
import { environmentResource, memberResource } from '../../presenters.js';
import type { EnvironmentPath, MemberPath } from '../path-schemas.js';
import type { createEnvironmentSchema, setRolesSchema, updateEnvironmentSchema } from './environment-schemas.js';

/** What reading capacity needs besides the environment: the live bots per group. */
export type CapacityPorts = EnvironmentPorts & { activeBotsByGroup(environmentId: string): Promise<Record<string, number>> };

/** What the environment routes need of the composition root: the ports of the use cases they call. */
export type EnvironmentRoutePorts = MePorts & EnvironmentPorts & UpdateEnvironmentPorts & CapacityPorts & MemberPorts & AuditPorts;

function auditFilterOf(query: URLSearchParams) {
  const filters = queryFilters(query);
  const actor = filters.read('actor', userIdSchema, 'Must be a user or app id.');
  const targetId = filters.read('targetId', userIdSchema, 'Must be a resource id.');
  const { from, to } = filters.range(isoTimeSchema);
  filters.done('The audit filters are not valid.');
  return { actor, targetId, from, to };
}

function auditEntryResource(e: AuditDocument) {
  return {
    id: e.id,
    at: e.at,
    actor: e.actor,
    ...(e.actorName ? { actorName: e.actorName } : {}),
    actorIsApp: e.actorIsApp,
    action: e.action,
    method: e.method,
    route: e.route,
    targetId: e.targetId,
    changedFields: e.changedFields,
    status: e.status,
    outcome: e.outcome ?? 'confirmed',
  };
}

/** `GET me` */
export async function getMeHandler(req: ApiRequest<undefined>, deps: MePorts): Promise<ApiResponse> {
  return { status: 200, body: await getMe(deps, req.principal) };
}

/** `GET environments` */
export async function listEnvironmentsHandler(req: ApiRequest<undefined>, deps: MePorts): Promise<ApiResponse> {
  const page = await listEnvironments(deps, req.principal, pageOf(req.query));
  return {
    status: 200,
    body: { items: page.items.map(environmentResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
  };
}

/** `POST environments` */
export async function createEnvironmentHandler(req: ApiRequest<z.output<typeof createEnvironmentSchema>>, deps: EnvironmentPorts): Promise<ApiResponse> {
  const env = await createEnvironment(deps, req.principal, req.body);
  return { status: 201, body: environmentResource(env), etag: env.etag, location: `environments/${env.id}` };
}

/** `GET environments/{env}` */
export async function getEnvironmentHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: EnvironmentPorts): Promise<ApiResponse> {
  const { env } = await getEnvironment(deps, req.principal, req.params.env);
  return { status: 200, body: environmentResource(env), etag: env.etag };
}

/** `PATCH environments/{env}` */
export async function updateEnvironmentHandler(
  req: ApiRequest<z.output<typeof updateEnvironmentSchema>, EnvironmentPath>,
  deps: UpdateEnvironmentPorts,
): Promise<ApiResponse> {
  const env = await updateEnvironment(deps, req.principal, req.params.env, req.body, req.ifMatch);
  return { status: 200, body: environmentResource(env), etag: env.etag };
}

/** `GET environments/{env}/capacity` */
export async function getCapacityHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: CapacityPorts): Promise<ApiResponse> {
  return { status: 200, body: await getCapacity(deps, req.principal, req.params.env, (id) => deps.activeBotsByGroup(id)) };
}

/** `GET environments/{env}/members` */
export async function listMembersHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: MemberPorts): Promise<ApiResponse> {
  return { status: 200, body: { items: (await listMembers(deps, req.principal, req.params.env)).map(memberResource) } };
}

/** `GET environments/{env}/audit` */
export async function listAuditEntriesHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: AuditPorts): Promise<ApiResponse> {
  // the query first: a bad filter is 400 whatever the path ids
  const filter = auditFilterOf(req.query);
  const page = pageOf(req.query);
  const entries = await listAudit(deps, req.principal, req.params.env, filter, page);
  return {
    status: 200,
    body: { items: entries.items.map(auditEntryResource), ...(entries.continuationToken ? { continuationToken: entries.continuationToken } : {}) },
  };
}

/** `PUT environments/{env}/members/{userId}` */
export async function setMemberRolesHandler(req: ApiRequest<z.output<typeof setRolesSchema>, MemberPath>, deps: MemberPorts): Promise<ApiResponse> {
  const { member, created } = await setMemberRoles(deps, req.principal, req.params.env, req.params.userId, req.body.roles, req.ifMatch);
  return { status: created ? 201 : 200, body: memberResource(member), etag: member.etag };
}

/** `DELETE environments/{env}/members/{userId}` */
export async function deactivateMemberHandler(req: ApiRequest<undefined, MemberPath>, deps: MemberPorts): Promise<ApiResponse> {
  await deactivateMember(deps, req.principal, req.params.env, req.params.userId, req.ifMatch);
  return { status: 204 };
}
