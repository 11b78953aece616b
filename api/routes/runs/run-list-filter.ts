import { GUID, isoTimeSchema, userIdSchema } from '../../common-schemas.js';
import { z } from 'zod';
import { RUN_STATES } from '../../../domain/run.js';
import type { RunListFilter } from '../../../app/runs/index.js';
import { queryFilters } from '../../query-filters.js';

/** The filters from the query string: each validated against its documented schema, 400 naming every bad one. */
export function runListFilterOf(query: URLSearchParams): RunListFilter {
  const filters = queryFilters(query);
  const state = filters.read('state', z.enum(RUN_STATES), `Must be one of ${RUN_STATES.join(', ')}.`);
  const groupId = filters.read('groupId', z.string().regex(GUID), 'Must be the id (GUID) of a group.');
  const desktopFlowId = filters.read('desktopFlowId', z.string().regex(GUID), 'Must be the id (GUID) of a desktop flow.');
  const submittedBy = filters.read('submittedBy', userIdSchema, 'Must be a user or app id.');
  const { from, to } = filters.range(isoTimeSchema);
  filters.done('The run filters are not valid.');
  return { state, groupId: groupId?.toLowerCase(), desktopFlowId: desktopFlowId?.toLowerCase(), submittedBy, from, to };
}
