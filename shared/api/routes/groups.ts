import { z } from 'zod';
import { MAX_BOTS_LIMIT, MAX_CAPACITY_WINDOWS, TARGET_WAIT_MINUTES } from '../../domain/group.js';
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
import { OWNER_NAME_DESCRIPTION, withOwnerNames } from '../owner-names.js';
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
const targetWaitMinutesSchema = z
  .number()
  .int()
  .min(TARGET_WAIT_MINUTES.min)
  .max(TARGET_WAIT_MINUTES.max)
  .describe('Service level: the p95 queue wait the group asks for, in minutes (1..1440). The planner keeps the fewest warm bots that meet it.');
const minUtilizationSchema = z
  .number()
  .min(0)
  .max(1)
  .describe(
    "Service level: the least share (0..1) of the group's bots that should be busy; caps the warm bots (a conflict with targetWaitMinutes is recorded).",
  );
const capacityWindowSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).describe('start, ISO 8601 (inclusive)'),
    to: z.iso.datetime({ offset: true }).describe('end, ISO 8601 (exclusive), after `from`'),
    committedBots: committedBotsSchema.describe(
      'committed bots during the window (capped at maxBots); the highest window covering now, or committedBots if higher, counts',
    ),
  })
  .refine((w) => Date.parse(w.to) > Date.parse(w.from), { message: 'to must be after from.', path: ['to'] })
  .meta({ id: 'CapacityWindow' });
const capacityScheduleSchema = z
  .array(capacityWindowSchema)
  .max(MAX_CAPACITY_WINDOWS)
  .describe(`Committed bots for periods (e.g. a quarter-end surge), at most ${MAX_CAPACITY_WINDOWS} windows; PATCH replaces the whole list.`);

const createGroupSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.optional(),
    maxBots: maxBotsSchema,
    committedBots: committedBotsSchema,
    imageId: imageIdSchema,
    account: accountSchema,
    targetWaitMinutes: targetWaitMinutesSchema.optional(),
    minUtilization: minUtilizationSchema.optional(),
    capacitySchedule: capacityScheduleSchema.optional(),
  })
  // committedBots above maxBots is a rule between two fields, and at an edit one of them may be the stored value:
  // the services answer it (422 CommittedExceedsMax) in every shape of request, not the schema (issue #17)
  .meta({ id: 'GroupCreate' });

/** PATCH: a new password for the local account (its username stays), and optionally the credential to rotate with it */
const accountRotationSchema = z
  .strictObject({
    /** kept in the secret store only; never returned */
    password: z.string().superRefine(rulesOf(accountPasswordProblems)),
    credentialId: z.string().regex(GUID, 'Must be the id (GUID) of a credential of the environment.').optional(),
  })
  .meta({ id: 'GroupAccountRotation' });

const updateGroupSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    maxBots: maxBotsSchema.optional(),
    committedBots: committedBotsSchema.optional(),
    imageId: imageIdSchema.optional(),
    maintenance: z.boolean().optional(),
    account: accountRotationSchema.optional(),
    targetWaitMinutes: targetWaitMinutesSchema.nullable().optional().describe('null clears the wait target'),
    minUtilization: minUtilizationSchema.nullable().optional().describe('null clears the minimum utilization'),
    capacitySchedule: capacityScheduleSchema.optional(),
  })
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
    ownerName: z.string().optional().describe("The owner's display name, from its member document."),
    deletedAt: z.string().optional(),
    deletedReason: z.string().optional().describe('`Inactive` (the cleanup timer: POST .../reactivate brings the group back) or `DeletedByUser`'),
    reactivatedAt: z.string().optional().describe('when the group was last brought back after the inactivity cleanup'),
    lastRunStartedAt: z.string().optional(),
    targetWaitMinutes: z.number().int().optional().describe('the p95 queue-wait target, minutes; absent: none'),
    minUtilization: z.number().optional().describe('the minimum utilization, 0..1; absent: none'),
    capacitySchedule: z
      .array(z.object({ from: z.string(), to: z.string(), committedBots: z.number().int() }))
      .optional()
      .describe('committed bots for periods; absent: none'),
  })
  .meta({ id: 'Group' });

const groupDetailsSchema = groupSchema
  .extend({ account: z.object({ username: z.string() }), provisioningErrorCount: z.number().int() })
  .meta({ id: 'GroupDetails' });

const groupConnectionSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    groupId: z.string(),
    username: z.string(),
    ownerId: z.string(),
    ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
  })
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
    wakesController: true,
    auth: 'user',
    body: createGroupSchema,
    responses: {
      201: { description: 'Created; the account comes back as {username} only', schema: groupDetailsSchema },
      400: problem(
        'Invalid body: names (control, bidirectional and zero-width characters refused), bot counts out of 1..50 / 0..50, local account username or password rules, targetWaitMinutes out of 1..1440, minUtilization out of 0..1, a capacity window ending before it starts',
      ),
      403: problem('Role may not create groups, or no access to the image'),
      404: problem('Environment not found or not a member'),
      409: problem(
        'NameTaken: a group of that name exists (names compare NFKC-normalised, case-folded, and by their look-alike skeleton: "GА" with a Cyrillic А is "GA")',
      ),
      422: problem(
        'CommittedExceedsMax (committedBots above maxBots), MaxBotsExceedsCapacity (maxBots above the environment capacity), GroupLimitReached, CommittedExceedsCapacity, HostedRpaDisabled',
      ),
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
    responses: {
      200: { description: 'The group', schema: groupDetailsSchema },
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const view = await getGroup(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: groupDetailsResource(view), etag: view.group.etag };
    },
  }),
  defineRoute({
    name: 'updateGroup',
    method: 'PATCH',
    route: GROUP,
    summary:
      "Edit maxBots, committedBots, imageId, name, description, maintenance or the service level (targetWaitMinutes, minUtilization, capacitySchedule; docs/scaling.md), or rotate the local account's password with `account: {password, credentialId?}` (owner, CoOwner, SystemAdministrator). After a rotation connections answer 422 CredentialsOutdated until their owners update them; a named credential is rotated with the group, so connections through it keep working.",
    tag: TAG,
    wakesController: true,
    auth: 'user',
    conditional: true,
    body: updateGroupSchema,
    responses: {
      200: { description: 'Updated', schema: groupDetailsSchema },
      400: problem(
        'Invalid body: names, bot counts out of 1..50 / 0..50, targetWaitMinutes out of 1..1440, minUtilization out of 0..1, a capacity window ending before it starts',
      ),
      403: problem('May use but not manage the group, no access to the new image, or may not rotate the named credential'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off; or the named credential is not visible'),
      409: problem('NameTaken (names compare NFKC-normalised, case-folded and by look-alike skeleton)'),
      412: problem('Stale If-Match, or a concurrent edit of the group'),
      422: problem(
        'CommittedExceedsMax (committedBots above maxBots, in the body or stored), MaxBotsExceedsCapacity (maxBots raised above the environment capacity), CommittedExceedsCapacity, GroupDeleted; with account.credentialId: UsernameMismatch, CredentialNotWritable (a Key Vault secret the app only reads)',
      ),
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
    wakesController: true,
    auth: 'user',
    conditional: true,
    responses: {
      204: { description: 'Deleted' },
      403: problem('May use but not manage the group'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
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
    wakesController: true,
    auth: 'user',
    conditional: true,
    responses: {
      200: { description: 'The group, active', schema: groupDetailsSchema },
      403: problem('May use but not manage the group'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
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
    responses: {
      200: { description: 'Shares', schema: listOf(accessEntrySchema) },
      403: problem('May use but not manage the group'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
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
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
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
    summary:
      "Connections that lead to the group: all of them for its owner, CoOwners and SystemAdministrators, a User-share holder's own only; never a password.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Connections', schema: listOf(groupConnectionSchema) },
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const connections = await listGroupConnections(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, connections.map(groupConnectionResource)) } };
    },
  }),
  defineRoute({
    name: 'listGroupErrors',
    method: 'GET',
    route: `${GROUP}/errors`,
    summary: "The group's provisioning failures (time, bot, reason), newest first.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Provisioning errors', schema: listOf(provisioningErrorSchema) },
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const errors = await listGroupErrors(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items: errors.map(provisioningErrorResource) } };
    },
  }),
];
