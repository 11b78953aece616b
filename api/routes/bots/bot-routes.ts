import { z } from 'zod';
import { BOT_STATES } from '../../../domain/bot.js';
import { LIVE_BOT_STATES } from '../../../app/bots.js';
import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { pagingQueryDocs } from '../../paging.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { scalingDecisionSchema } from '../../scaling-decision-schema.js';
import { environmentPath, groupPath } from '../path-schemas.js';
import { listGroupBotsHandler, listMaintenanceActionsHandler, listScalingDecisionsHandler } from './bot-handlers.js';
import type { BotRoutePorts } from './bot-handlers.js';
import { botSchema, maintenanceActionSchema } from './bot-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Bots';

/** The bots, scaling decisions and maintenance log routes. */
export const botsRoutes: ApiRoute<unknown, RawPathParams, BotRoutePorts>[] = [
  defineRoute({
    name: 'listGroupBots',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/bots',
    params: groupPath,
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
    handle: listGroupBotsHandler,
  }),
  defineRoute({
    name: 'listScalingDecisions',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/scaling',
    params: groupPath,
    summary: 'Recent scaling decisions about the group, newest first, each with its reason.',
    tag: TAG,
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Decisions', schema: listOf(scalingDecisionSchema) },
      400: problem('Bad page size, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    handle: listScalingDecisionsHandler,
  }),
  defineRoute({
    name: 'listMaintenanceActions',
    method: 'GET',
    route: 'environments/{env}/maintenance',
    params: environmentPath,
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
    handle: listMaintenanceActionsHandler,
  }),
];
