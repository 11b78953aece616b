import { z } from 'zod';
import { BOT_STATES, LIVE_BOT_STATES, type BotState } from '../../domain/bot.js';
import { AppError } from '../../domain/errors/app-error.js';
import { MAINTENANCE_ACTION_KINDS, SWEEPS } from '../../domain/maintenance.js';
import { pageOf, pagingQueryDocs } from '../paging.js';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import { listGroupBots, listScalingDecisions } from '../../app/bots.js';
import { listMaintenanceActions } from '../../app/maintenance/list-actions.js';
import { listOf, problemSchema } from '../common-schemas.js';
import { scalingDecisionResource, scalingDecisionSchema } from '../scaling-decision-schema.js';

const botSchema = z
  .object({
    id: z.string(),
    state: z.enum(BOT_STATES),
    imageVersion: z.string(),
    imageId: z.string(),
    since: z.string(),
    currentRunId: z.string().optional(),
    lastHeartbeatAt: z.string().optional(),
    reason: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Bot' });

const maintenanceActionSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    sweep: z.enum(SWEEPS),
    action: z.enum(MAINTENANCE_ACTION_KINDS),
    reason: z.string(),
    detail: z.string(),
    groupId: z.string().optional(),
    botId: z.string().optional(),
    runId: z.string().optional(),
    runOutcome: z.enum(['requeued', 'failed']).optional().describe('for botLost: what became of the run the bot held'),
    vmResourceId: z.string().optional(),
  })
  .meta({ id: 'MaintenanceAction' });

const problem = (description: string) => ({ description, schema: problemSchema });

/** `?state=Ready,Busy`: one or more bot states (400 naming the unknown ones); the live states when absent. */
function statesOf(query: URLSearchParams): readonly BotState[] {
  const raw = query.get('state');
  if (raw === null) return LIVE_BOT_STATES;
  const names = raw.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(BOT_STATES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw AppError.validation([
      { field: 'state', message: `Unknown bot state ${JSON.stringify(unknown.join(','))}; one or more of ${BOT_STATES.join(', ')}, comma-separated.` },
    ]);
  }
  return names as BotState[];
}
const TAG = 'Bots';

export const botsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'listGroupBots',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/bots',
    summary:
      "The group's bots with their state, image version, since when, and current run, newest first, paged. By default only the bots that exist (not `Deleted` or `Failed`); `state` names the states to list instead. Records of deleted bots are kept BOT_RECORD_RETENTION_DAYS after they went.",
    tag: TAG,
    auth: 'user',
    query: {
      state: {
        description: `Comma-separated bot states to list (${BOT_STATES.join(', ')}); default ${LIVE_BOT_STATES.join(',')}. A continuation token is good only with the same states.`,
        schema: z.string().min(1).max(200),
      },
      ...pagingQueryDocs,
    },
    responses: {
      200: { description: 'Bots', schema: listOf(botSchema) },
      400: problem('Unknown state, bad page size, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const page = await listGroupBots(deps, req.principal, req.params.env, req.params.id, { states: statesOf(req.query), ...pageOf(req.query) });
      return {
        status: 200,
        body: {
          items: page.items.map((b) => ({
            id: b.id,
            state: b.state,
            imageVersion: b.imageVersion,
            imageId: b.imageId,
            since: b.since,
            currentRunId: b.currentRunId,
            lastHeartbeatAt: b.lastHeartbeatAt,
            reason: b.reason,
            createdAt: b.createdAt,
          })),
          ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
        },
      };
    },
  }),
  defineRoute({
    name: 'listScalingDecisions',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/scaling',
    summary: 'Recent scaling decisions about the group, newest first, each with its reason.',
    tag: TAG,
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Decisions', schema: listOf(scalingDecisionSchema) },
      400: problem('Bad page size, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const page = await listScalingDecisions(deps, req.principal, req.params.env, req.params.id, pageOf(req.query));
      return {
        status: 200,
        body: {
          items: page.items.map(scalingDecisionResource),
          ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
        },
      };
    },
  }),
  defineRoute({
    name: 'listMaintenanceActions',
    method: 'GET',
    route: 'environments/{env}/maintenance',
    summary:
      'What the maintenance timers did (inactive groups deleted, orphan VMs deleted, lost bots, stuck runs repaired), newest first, each with its reason (SystemAdministrator).',
    tag: TAG,
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Actions', schema: listOf(maintenanceActionSchema) },
      400: problem('Bad page size, unknown query parameter, or InvalidContinuationToken'),
      403: problem('Not a SystemAdministrator'),
      404: problem('Not found or not a member'),
    },
    async handle(req, deps) {
      const page = await listMaintenanceActions(deps, req.principal, req.params.env, pageOf(req.query));
      return {
        status: 200,
        body: {
          items: page.items.map((a) => ({
            id: a.id,
            at: a.at,
            sweep: a.sweep,
            action: a.action,
            reason: a.reason,
            detail: a.detail,
            groupId: a.groupId,
            botId: a.botId,
            runId: a.runId,
            runOutcome: a.runOutcome,
            vmResourceId: a.vmResourceId,
          })),
          ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
        },
      };
    },
  }),
];
