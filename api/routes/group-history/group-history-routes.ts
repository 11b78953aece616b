import { isoTimeSchema, problemSchema } from '../../common-schemas.js';
import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { DEFAULT_HISTORY_HOURS } from '../../../app/groups/group-history-read.js';
import { HISTORY_RETENTION_DAYS } from '../../../app/groups/group-history-rollup.js';
import { groupPath } from '../path-schemas.js';
import { getGroupHistoryHandler } from './group-history-handlers.js';
import type { GroupHistoryRoutePorts } from './group-history-handlers.js';
import { groupHistorySchema } from './group-history-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });

export const groupHistoryRoutes: ApiRoute<unknown, RawPathParams, GroupHistoryRoutePorts>[] = [
  defineRoute({
    name: 'getGroupHistory',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/history',
    params: groupPath,
    summary: `The group's history from the controller's rollups: utilisation, queued runs, estimated p95 wait, live and busy bots, one point a minute (default the last ${DEFAULT_HISTORY_HOURS} h; wider steps for longer ranges, at most 1440 points; kept ${HISTORY_RETENTION_DAYS} days).`,
    tag: 'Bots',
    auth: 'user',
    query: {
      from: { description: `Start of the range (ISO 8601); default \`to\` minus ${DEFAULT_HISTORY_HOURS} h.`, schema: isoTimeSchema },
      to: {
        description: `End of the range (ISO 8601), after \`from\`; default now. At most ${HISTORY_RETENTION_DAYS} days after \`from\`.`,
        schema: isoTimeSchema,
      },
    },
    responses: {
      200: { description: 'History', schema: groupHistorySchema },
      400: problem('from not before to, a range longer than the retention, a malformed time, or an unknown query parameter'),
      404: problem('Not found, not visible to the caller, or hostedRpaEnabled is off'),
    },
    handle: getGroupHistoryHandler,
  }),
];
