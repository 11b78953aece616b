import { BOT_STATES, type BotDocument, type BotState } from '../../../domain/bot.js';
import { AppError } from '../../../domain/errors/app-error.js';
import type { MaintenanceActionDocument } from '../../../domain/maintenance.js';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { LIVE_BOT_STATES, listGroupBots, listScalingDecisions, type GroupBotsPorts } from '../../../app/bots.js';
import { listMaintenanceActions, type MaintenanceLogPorts } from '../../../app/maintenance/list-actions.js';
import { pageOf } from '../../paging.js';
import { scalingDecisionResource } from '../../scaling-decision-schema.js';
import type { EnvironmentPath, GroupPath } from '../path-schemas.js';

/** What the bots routes need of the composition root: the ports of the use cases they call. */
export type BotRoutePorts = GroupBotsPorts & MaintenanceLogPorts;

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

function botResource(b: BotDocument) {
  return {
    id: b.id,
    state: b.state,
    imageVersion: b.imageVersion,
    imageId: b.imageId,
    since: b.since,
    currentRunId: b.currentRunId,
    lastHeartbeatAt: b.lastHeartbeatAt,
    reason: b.reason,
    createdAt: b.createdAt,
  };
}

function maintenanceActionResource(a: MaintenanceActionDocument) {
  return {
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
  };
}

/** `GET environments/{env}/groups/{id}/bots` */
export async function listGroupBotsHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupBotsPorts): Promise<ApiResponse> {
  // the query first: a bad one is 400 whatever the path ids
  const query = { states: statesOf(req.query), ...pageOf(req.query) };
  const page = await listGroupBots(deps, req.principal, req.params.env, req.params.id, query);
  return {
    status: 200,
    body: { items: page.items.map(botResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
  };
}

/** `GET environments/{env}/groups/{id}/scaling` */
export async function listScalingDecisionsHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupBotsPorts): Promise<ApiResponse> {
  const query = pageOf(req.query);
  const page = await listScalingDecisions(deps, req.principal, req.params.env, req.params.id, query);
  return {
    status: 200,
    body: { items: page.items.map(scalingDecisionResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
  };
}

/** `GET environments/{env}/maintenance` */
export async function listMaintenanceActionsHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: MaintenanceLogPorts): Promise<ApiResponse> {
  const query = pageOf(req.query);
  const page = await listMaintenanceActions(deps, req.principal, req.params.env, query);
  return {
    status: 200,
    body: { items: page.items.map(maintenanceActionResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
  };
}
