import { z } from 'zod';
import { MAX_BOTS_LIMIT } from '../../domain/group.js';
import { accountPasswordProblems, accountUsernameProblems } from '../../domain/group-rules.js';
import { defineRoute, type ApiRoute } from '../../http/api-route.js';
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
} from '../../services/groups.js';
import { accessEntrySchema, accessListBodySchema } from '../share-schemas.js';
import { descriptionSchema, GUID, listOf, nameSchema, problemSchema, resourceFields } from '../common-schemas.js';
import { groupConnectionResource, groupDetailsResource, groupResource, provisioningErrorResource } from '../group-presenters.js';

/** Adds one issue per broken rule; the messages never quote the value (it may be a password). */
function rulesOf(problems: (value: string) => string[]) {
  return (value: string, ctx: z.RefinementCtx) => {
    for (const message of problems(value)) ctx.addIssue({ code: 'custom', message });
  };
}

const accountSchema = z
  .strictObject({
    /** Windows local account name, as Azure requires for a VM's admin */
    username: z.string().superRefine(rulesOf(accountUsernameProblems)),
    /** kept in the secret store only; never returned */
    password: z.string().superRefine(rulesOf(accountPasswordProblems)),
  })
  .meta({ id: 'GroupAccountCreate' });

const maxBotsSchema = z.number().int().min(1).max(MAX_BOTS_LIMIT);
const committedBotsSchema = z.number().int().min(0).max(MAX_BOTS_LIMIT);
const imageIdSchema = z.string().regex(GUID, 'Must be the id (GUID) of an image of the environment.');

function committedWithinMax(body: { maxBots?: number | undefined; committedBots?: number | undefined }, ctx: z.RefinementCtx): void {
  if (body.maxBots !== undefined && body.committedBots !== undefined && body.committedBots > body.maxBots) {
    ctx.addIssue({ code: 'custom', path: ['committedBots'], message: `Must not exceed maxBots (${body.maxBots}).` });
  }
}

const createGroupSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.optional(),
    maxBots: maxBotsSchema,
    committedBots: committedBotsSchema,
    imageId: imageIdSchema,
    account: accountSchema,
  })
  .superRefine(committedWithinMax)
  .meta({ id: 'GroupCreate' });

const updateGroupSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    maxBots: maxBotsSchema.optional(),
    committedBots: committedBotsSchema.optional(),
    imageId: imageIdSchema.optional(),
    maintenance: z.boolean().optional(),
  })
  .superRefine(committedWithinMax)
  .meta({ id: 'GroupUpdate' });

const groupSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    description: z.string(),
    status: z.enum(['active', 'deleted']),
    maintenance: z.boolean(),
    maxBots: z.number().int(),
    committedBots: z.number().int(),
    imageId: z.string(),
    runningCount: z.number().int(),
    queuedCount: z.number().int(),
    activeBots: z.number().int(),
    accessType: z.enum(['Owner', 'CoOwner', 'User', 'Administrator']).optional(),
    owner: z.string(),
    ownerId: z.string(),
    deletedAt: z.string().optional(),
    deletedReason: z.string().optional().describe('`Inactive` (the cleanup timer: POST .../reactivate brings the group back) or `DeletedByUser`'),
    reactivatedAt: z.string().optional().describe('when the group was last brought back after the inactivity cleanup'),
    lastRunStartedAt: z.string().optional(),
  })
  .meta({ id: 'Group' });

const groupDetailsSchema = groupSchema
  .extend({ account: z.object({ username: z.string() }), provisioningErrorCount: z.number().int() })
  .meta({ id: 'GroupDetails' });


const groupConnectionSchema = z
  .object({ ...resourceFields, name: z.string(), groupId: z.string(), username: z.string(), ownerId: z.string() })
  .meta({ id: 'GroupConnection' });

const provisioningErrorSchema = z.object({ at: z.string(), botId: z.string(), reason: z.string() }).meta({ id: 'ProvisioningError' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Hosted machine groups';
const GROUP = 'environments/{env}/groups/{id}';

export const groupsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'listGroups',
    method: 'GET',
    route: 'environments/{env}/groups',
    summary: 'List the groups the caller may see, with run and bot counts; empty while hostedRpaEnabled is off.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Visible groups', schema: listOf(groupSchema) }, 404: problem('Environment not found or not a member') },
    async handle(req, deps) {
      const views = await listGroups(deps, req.principal, req.params.env);
      return { status: 200, body: { items: views.map(groupResource) } };
    },
  }),
  defineRoute({
    name: 'createGroup',
    method: 'POST',
    route: 'environments/{env}/groups',
    summary: 'Create a hosted machine group from an image the caller may use; the caller owns it. The password goes to the secret store only.',
    tag: TAG,
    auth: 'user',
    body: createGroupSchema,
    responses: {
      201: { description: 'Created; the account comes back as {username} only', schema: groupDetailsSchema },
      400: problem('Invalid body: names, bot counts, local account username or password rules'),
      403: problem('Role may not create groups, or no access to the image'),
      404: problem('Environment not found or not a member'),
      409: problem('NameTaken: a group of that name exists (names compare without regard to case)'),
      422: problem('GroupLimitReached, CommittedExceedsCapacity, HostedRpaDisabled'),
    },
    async handle(req, deps) {
      const view = await createGroup(deps, req.principal, req.params.env, req.body);
      const { group } = view;
      return { status: 201, body: groupDetailsResource(view), etag: group.etag, location: `environments/${group.environmentId}/groups/${group.id}` };
    },
  }),
  defineRoute({
    name: 'getGroup',
    method: 'GET',
    route: GROUP,
    summary: "A group's details: the list shape, its account's username and its provisioning error count.",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The group', schema: groupDetailsSchema }, 404: problem('Not found or not visible to the caller') },
    async handle(req, deps) {
      const view = await getGroup(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
    },
  }),
  defineRoute({
    name: 'updateGroup',
    method: 'PATCH',
    route: GROUP,
    summary: 'Edit maxBots, committedBots, imageId, name, description or maintenance (owner, CoOwner, SystemAdministrator).',
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: updateGroupSchema,
    responses: {
      200: { description: 'Updated', schema: groupDetailsSchema },
      400: problem('Invalid body, committedBots above maxBots'),
      403: problem('May use but not manage the group, or no access to the new image'),
      404: problem('Not found or not visible to the caller'),
      409: problem('NameTaken'),
      412: problem('Stale If-Match, or a concurrent edit of the group'),
      422: problem('CommittedExceedsMax, CommittedExceedsCapacity, GroupDeleted'),
    },
    async handle(req, deps) {
      const view = await updateGroup(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
    },
  }),
  defineRoute({
    name: 'deleteGroup',
    method: 'DELETE',
    route: GROUP,
    summary: 'Delete a group with its ledger entry and its password (owner, CoOwner, SystemAdministrator).',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: {
      204: { description: 'Deleted' },
      403: problem('May use but not manage the group'),
      404: problem('Not found or not visible to the caller'),
      412: problem('Stale If-Match'),
    },
    async handle(req, deps) {
      await deleteGroup(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
      return { status: 204 };
    },
  }),
  defineRoute({
    name: 'reactivateGroup',
    method: 'POST',
    route: `${GROUP}/reactivate`,
    summary:
      'Bring back a group the inactivity cleanup marked deleted: active again with its image, account, shares and connections, its inactivity clock started over (owner, CoOwner, SystemAdministrator). An active group is answered as it is.',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: {
      200: { description: 'The group, active', schema: groupDetailsSchema },
      403: problem('May use but not manage the group'),
      404: problem('Not found or not visible to the caller'),
      412: problem('Stale If-Match'),
      422: problem('GroupDeleted: a delete requested by a user is under way (DELETE again to finish it)'),
    },
    async handle(req, deps) {
      const view = await reactivateGroup(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
      return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
    },
  }),
  defineRoute({
    name: 'getGroupAccess',
    method: 'GET',
    route: `${GROUP}/access`,
    summary: "The group's shares, deactivated members flagged; the ETag is the group's.",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Shares', schema: listOf(accessEntrySchema) }, 403: problem('May use but not manage the group'), 404: problem('Not found or not visible') },
    async handle(req, deps) {
      const { group, items } = await getGroupAccess(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items }, etag: group.etag };
    },
  }),
  defineRoute({
    name: 'setGroupAccess',
    method: 'PUT',
    route: `${GROUP}/access`,
    summary: "Replace the group's shares with a bare array of {userId, permission}; If-Match refers to the group's ETag.",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: accessListBodySchema,
    responses: {
      200: { description: "The new shares; the ETag is the group's new one", schema: listOf(accessEntrySchema) },
      400: problem('Not an array, more than 200 entries, a user listed twice'),
      403: problem('May use but not manage the group'),
      404: problem('Not found or not visible'),
      412: problem('Stale If-Match'),
      422: problem('NotAMember, GroupDeleted'),
    },
    async handle(req, deps) {
      const { group, items } = await setGroupAccess(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: { items }, etag: group.etag };
    },
  }),
  defineRoute({
    name: 'listGroupConnections',
    method: 'GET',
    route: `${GROUP}/connections`,
    summary: 'Connections that lead to the group (whoever holds them); never a password.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Connections', schema: listOf(groupConnectionSchema) }, 404: problem('Not found or not visible') },
    async handle(req, deps) {
      const connections = await listGroupConnections(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items: connections.map(groupConnectionResource) } };
    },
  }),
  defineRoute({
    name: 'listGroupErrors',
    method: 'GET',
    route: `${GROUP}/errors`,
    summary: "The group's provisioning failures (time, bot, reason), newest first.",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Provisioning errors', schema: listOf(provisioningErrorSchema) }, 404: problem('Not found or not visible') },
    async handle(req, deps) {
      const errors = await listGroupErrors(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items: errors.map(provisioningErrorResource) } };
    },
  }),
];
