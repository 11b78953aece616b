import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { accessEntrySchema, accessListBodySchema } from '../../share-schemas.js';
import { environmentPath, groupPath } from '../path-schemas.js';
import {
  createGroupHandler,
  deleteGroupHandler,
  getGroupAccessHandler,
  getGroupHandler,
  listGroupConnectionsHandler,
  listGroupErrorsHandler,
  listGroupsHandler,
  reactivateGroupHandler,
  setGroupAccessHandler,
  updateGroupHandler,
} from './group-handlers.js';
import type { GroupRoutePorts } from './group-handlers.js';
import { createGroupSchema, groupConnectionSchema, groupDetailsSchema, groupSchema, provisioningErrorSchema, updateGroupSchema } from './group-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Hosted machine groups';
const GROUP = 'environments/{env}/groups/{id}';

/** The group routes, in the order the host matches them. */
export const groupsRoutes: ApiRoute<unknown, RawPathParams, GroupRoutePorts>[] = [
  defineRoute({
    name: 'listGroups',
    method: 'GET',
    route: 'environments/{env}/groups',
    params: environmentPath,
    summary: 'List the groups the caller may see, with run and bot counts; empty while hostedRpaEnabled is off.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Visible groups', schema: listOf(groupSchema) }, 404: problem('Environment not found or not a member') },
    handle: listGroupsHandler,
  }),
  defineRoute({
    name: 'createGroup',
    method: 'POST',
    route: 'environments/{env}/groups',
    params: environmentPath,
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
    handle: createGroupHandler,
  }),
  defineRoute({
    name: 'getGroup',
    method: 'GET',
    route: GROUP,
    params: groupPath,
    summary: "A group's details: the list shape, its account's username and its provisioning error count.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'The group', schema: groupDetailsSchema },
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    handle: getGroupHandler,
  }),
  defineRoute({
    name: 'updateGroup',
    method: 'PATCH',
    route: GROUP,
    params: groupPath,
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
    handle: updateGroupHandler,
  }),
  defineRoute({
    name: 'deleteGroup',
    method: 'DELETE',
    route: GROUP,
    params: groupPath,
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
    handle: deleteGroupHandler,
  }),
  defineRoute({
    name: 'reactivateGroup',
    method: 'POST',
    route: `${GROUP}/reactivate`,
    params: groupPath,
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
    handle: reactivateGroupHandler,
  }),
  defineRoute({
    name: 'getGroupAccess',
    method: 'GET',
    route: `${GROUP}/access`,
    params: groupPath,
    summary: "The group's shares, deactivated members flagged; the ETag is the group's.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Shares', schema: listOf(accessEntrySchema) },
      403: problem('May use but not manage the group'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    handle: getGroupAccessHandler,
  }),
  defineRoute({
    name: 'setGroupAccess',
    method: 'PUT',
    route: `${GROUP}/access`,
    params: groupPath,
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
    handle: setGroupAccessHandler,
  }),
  defineRoute({
    name: 'listGroupConnections',
    method: 'GET',
    route: `${GROUP}/connections`,
    params: groupPath,
    summary:
      "Connections that lead to the group: all of them for its owner, CoOwners and SystemAdministrators, a User-share holder's own only; never a password.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Connections', schema: listOf(groupConnectionSchema) },
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    handle: listGroupConnectionsHandler,
  }),
  defineRoute({
    name: 'listGroupErrors',
    method: 'GET',
    route: `${GROUP}/errors`,
    params: groupPath,
    summary: "The group's provisioning failures (time, bot, reason), newest first.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Provisioning errors', schema: listOf(provisioningErrorSchema) },
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    handle: listGroupErrorsHandler,
  }),
];
