import { isoTimeSchema } from '../../common-schemas.js';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { readGroupHistory, type GroupHistoryReadPorts } from '../../../app/groups/group-history-read.js';
import { queryFilters } from '../../query-filters.js';
import type { GroupPath } from '../path-schemas.js';
import { groupHistoryResource } from './group-history-schemas.js';

/** What the group history route needs of the composition root. */
export type GroupHistoryRoutePorts = GroupHistoryReadPorts;

/** `GET environments/{env}/groups/{id}/history` */
export async function getGroupHistoryHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupHistoryReadPorts): Promise<ApiResponse> {
  const filters = queryFilters(req.query);
  const range = filters.range(isoTimeSchema);
  filters.done('The history range is not valid.');
  return { status: 200, body: groupHistoryResource(await readGroupHistory(deps, req.principal, req.params.env, req.params.id, range)) };
}
