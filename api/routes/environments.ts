import { z } from 'zod';
import { ROLES } from '../../domain/roles.js';
import { SUPPORTED_GEOGRAPHIES, UNSUPPORTED_GEOGRAPHIES } from '../../domain/geography.js';
import { AppError } from '../../domain/errors/app-error.js';
import { createEnvironment, getCapacity, getEnvironment, updateEnvironment } from '../../app/environments.js';
import { listAudit } from '../../app/audit.js';
import { getMe, listEnvironments } from '../../app/me.js';
import { deactivateMember, listMembers, setMemberRoles } from '../../app/members.js';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import { pageOf, pagingQueryDocs } from '../paging.js';
import { queryFilters } from '../query-filters.js';
import { listOf, nameSchema, problemSchema, resourceFields, userIdSchema } from '../common-schemas.js';
import { environmentResource, memberResource } from '../presenters.js';

const planSchema = z.enum(['paid', 'trial']);

const environmentSchema = z
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

const createEnvironmentSchema = z
  .strictObject({
    name: nameSchema,
    geography: z.enum([...SUPPORTED_GEOGRAPHIES, ...UNSUPPORTED_GEOGRAPHIES]),
    plan: planSchema,
    capacity: z.number().int().min(0).max(10_000),
  })
  .meta({ id: 'EnvironmentCreate' });

const updateEnvironmentSchema = z
  .strictObject({
    capacity: z.number().int().min(0).max(10_000).optional(),
    plan: planSchema.optional(),
    hostedRpaEnabled: z.boolean().optional(),
  })
  .meta({ id: 'EnvironmentUpdate' });

const capacitySchema = z
  .object({
    capacity: z.number().int(),
    parallelLimit: z.number().int(),
    committed: z.number().int(),
    inUse: z.number().int(),
    available: z.number().int(),
    groups: z.array(z.object({ groupId: z.string(), name: z.string(), committed: z.number().int(), maxBots: z.number().int(), activeBots: z.number().int() })),
  })
  .meta({ id: 'Capacity' });

const memberSchema = z
  .object({
    ...resourceFields,
    userId: z.string(),
    name: z.string().optional(),
    roles: z.array(z.enum(ROLES)),
    active: z.boolean(),
    deactivatedAt: z.string().optional(),
  })
  .meta({ id: 'Member' });

const setRolesSchema = z.strictObject({ roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length) }).meta({ id: 'MemberRoles' });

const meSchema = z
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

const auditEntrySchema = z
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

const isoTimeSchema = z.iso.datetime({ offset: true });

const auditQueryDocs = {
  actor: { description: 'Only writes by this user or app (its id).', schema: userIdSchema },
  targetId: { description: 'Only writes to this resource (its id).', schema: userIdSchema },
  from: { description: 'Only writes at or after this time (ISO 8601).', schema: isoTimeSchema },
  to: { description: 'Only writes at or before this time (ISO 8601); not before `from`.', schema: isoTimeSchema },
  ...pagingQueryDocs,
};

function auditFilterOf(query: URLSearchParams) {
  const filters = queryFilters(query);
  const actor = filters.read('actor', userIdSchema, 'Must be a user or app id.');
  const targetId = filters.read('targetId', userIdSchema, 'Must be a resource id.');
  const { from, to } = filters.range(isoTimeSchema);
  filters.done('The audit filters are not valid.');
  return { actor, targetId, from, to };
}

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Environments';

function userIdParam(value: string | undefined): string {
  const parsed = userIdSchema.safeParse(value);
  if (!parsed.success) throw AppError.notFound('Member');
  return parsed.data;
}

export const environmentRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'getMe',
    method: 'GET',
    route: 'me',
    summary: 'The caller: id, name, whether it is a Platform.Admin, and the environments it is a member of with its roles there. Where a walk-through starts.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The caller', schema: meSchema } },
    async handle(req, deps) {
      return { status: 200, body: await getMe(deps, req.principal) };
    },
  }),
  defineRoute({
    name: 'listEnvironments',
    method: 'GET',
    route: 'environments',
    summary: 'Environments the caller is an active member of (a Platform.Admin: every environment), paged with continuationToken.',
    tag: TAG,
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Environments', schema: listOf(environmentSchema) },
      400: problem('Invalid pageSize, unknown query parameter, or InvalidContinuationToken'),
    },
    async handle(req, deps) {
      const page = await listEnvironments(deps, req.principal, pageOf(req.query));
      return {
        status: 200,
        body: { items: page.items.map(environmentResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
      };
    },
  }),
  defineRoute({
    name: 'createEnvironment',
    method: 'POST',
    route: 'environments',
    summary: 'Create an environment (Platform.Admin); the caller becomes its SystemAdministrator.',
    tag: TAG,
    auth: 'user',
    body: createEnvironmentSchema,
    responses: {
      201: { description: 'Created', schema: environmentSchema },
      400: problem('Invalid body'),
      403: problem('Not a Platform.Admin'),
      422: problem('Geography not supported'),
    },
    async handle(req, deps) {
      const env = await createEnvironment(deps, req.principal, req.body);
      return { status: 201, body: environmentResource(env), etag: env.etag, location: `environments/${env.id}` };
    },
  }),
  defineRoute({
    name: 'getEnvironment',
    method: 'GET',
    route: 'environments/{env}',
    summary: 'Read an environment.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The environment', schema: environmentSchema }, 404: problem('Not found or not a member') },
    async handle(req, deps) {
      const { env } = await getEnvironment(deps, req.principal, req.params.env);
      return { status: 200, body: environmentResource(env), etag: env.etag };
    },
  }),
  defineRoute({
    name: 'updateEnvironment',
    method: 'PATCH',
    route: 'environments/{env}',
    summary:
      "Change capacity, plan or the hostedRpaEnabled switch (SystemAdministrator). The capacity may go below a group's maxBots (the group then runs at most the capacity, and raising its maxBots is refused while above it), not below the committed bots.",
    tag: TAG,
    wakesController: true,
    auth: 'user',
    conditional: true,
    body: updateEnvironmentSchema,
    responses: {
      200: { description: 'Updated', schema: environmentSchema },
      403: problem('Not a SystemAdministrator'),
      412: problem('Stale If-Match'),
      422: problem('Capacity below committed bots, trial limits'),
    },
    async handle(req, deps) {
      const env = await updateEnvironment(deps, req.principal, req.params.env, req.body, req.ifMatch);
      return { status: 200, body: environmentResource(env), etag: env.etag };
    },
  }),
  defineRoute({
    name: 'getCapacity',
    method: 'GET',
    route: 'environments/{env}/capacity',
    summary:
      "Capacity: committed, in use and available bots, per group. `groups` lists only the groups the caller may see (SystemAdministrators: all); while hostedRpaEnabled is off groups are hidden (`groups` is empty). The figures are the whole environment's.",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Capacity', schema: capacitySchema }, 404: problem('Not found') },
    async handle(req, deps) {
      return { status: 200, body: await getCapacity(deps, req.principal, req.params.env, deps.activeBotsByGroup) };
    },
  }),
  defineRoute({
    name: 'listMembers',
    method: 'GET',
    route: 'environments/{env}/members',
    summary: 'List members and their roles.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Members', schema: listOf(memberSchema) } },
    async handle(req, deps) {
      return { status: 200, body: { items: (await listMembers(deps, req.principal, req.params.env)).map(memberResource) } };
    },
  }),
  defineRoute({
    name: 'listAuditEntries',
    method: 'GET',
    route: 'environments/{env}/audit',
    summary:
      'Every write by a user or app in the environment (SystemAdministrator): who, when, the operation, its target and the names of the fields it sent (never values, so no secret), newest first, paged. Filters actor, targetId, from and to (inclusive).',
    tag: TAG,
    auth: 'user',
    query: auditQueryDocs,
    responses: {
      200: { description: 'Audit entries, newest first', schema: listOf(auditEntrySchema) },
      400: problem('A filter of the wrong type, from after to, unknown query parameter, invalid pageSize, or InvalidContinuationToken'),
      403: problem('Not a SystemAdministrator'),
      404: problem('Not found or not a member'),
    },
    async handle(req, deps) {
      const page = await listAudit(deps, req.principal, req.params.env, auditFilterOf(req.query), pageOf(req.query));
      const items = page.items.map((e) => ({
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
      }));
      return { status: 200, body: { items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) } };
    },
  }),
  defineRoute({
    name: 'setMemberRoles',
    method: 'PUT',
    route: 'environments/{env}/members/{userId}',
    summary: "Set a member's roles, adding or reactivating them (SystemAdministrator).",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: setRolesSchema,
    responses: {
      200: { description: 'Updated', schema: memberSchema },
      201: { description: 'Added', schema: memberSchema },
      403: problem('Not a SystemAdministrator'),
      422: problem('Would leave no SystemAdministrator'),
    },
    async handle(req, deps) {
      const { member, created } = await setMemberRoles(deps, req.principal, req.params.env, userIdParam(req.params.userId), req.body.roles, req.ifMatch);
      return { status: created ? 201 : 200, body: memberResource(member), etag: member.etag };
    },
  }),
  defineRoute({
    name: 'deactivateMember',
    method: 'DELETE',
    route: 'environments/{env}/members/{userId}',
    summary: 'Deactivate a member (SystemAdministrator); their shares stay listed, flagged deactivated.',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: { 204: { description: 'Deactivated' }, 404: problem('No such member'), 422: problem('Last SystemAdministrator') },
    async handle(req, deps) {
      await deactivateMember(deps, req.principal, req.params.env, userIdParam(req.params.userId), req.ifMatch);
      return { status: 204 };
    },
  }),
];
