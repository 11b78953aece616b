import { z } from 'zod';
import { ROLES } from '../../domain/roles.js';
import { SUPPORTED_GEOGRAPHIES, UNSUPPORTED_GEOGRAPHIES } from '../../domain/geography.js';
import { AppError } from '../../errors/app-error.js';
import { createEnvironment, getCapacity, getEnvironment, updateEnvironment } from '../../services/environments.js';
import { deactivateMember, listMembers, setMemberRoles } from '../../services/members.js';
import { defineRoute, type ApiRoute } from '../../http/api-route.js';
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
  .object({ ...resourceFields, userId: z.string(), name: z.string().optional(), roles: z.array(z.enum(ROLES)), active: z.boolean(), deactivatedAt: z.string().optional() })
  .meta({ id: 'Member' });

const setRolesSchema = z.strictObject({ roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length) }).meta({ id: 'MemberRoles' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Environments';

function userIdParam(value: string | undefined): string {
  const parsed = userIdSchema.safeParse(value);
  if (!parsed.success) throw AppError.notFound('Member');
  return parsed.data;
}

export const environmentRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'createEnvironment',
    method: 'POST',
    route: 'environments',
    summary: 'Create an environment (Platform.Admin); the caller becomes its SystemAdministrator.',
    tag: TAG,
    auth: 'user',
    body: createEnvironmentSchema,
    responses: { 201: { description: 'Created', schema: environmentSchema }, 400: problem('Invalid body'), 403: problem('Not a Platform.Admin'), 422: problem('Geography not supported') },
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
    responses: { 200: { description: 'Updated', schema: environmentSchema }, 403: problem('Not a SystemAdministrator'), 412: problem('Stale If-Match'), 422: problem('Capacity below committed bots, trial limits') },
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
    name: 'setMemberRoles',
    method: 'PUT',
    route: 'environments/{env}/members/{userId}',
    summary: "Set a member's roles, adding or reactivating them (SystemAdministrator).",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: setRolesSchema,
    responses: { 200: { description: 'Updated', schema: memberSchema }, 201: { description: 'Added', schema: memberSchema }, 403: problem('Not a SystemAdministrator'), 422: problem('Would leave no SystemAdministrator') },
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
