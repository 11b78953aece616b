import { pagingQueryDocs } from '../../paging.js';
import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { desktopFlowSchema, desktopFlowSummarySchema, desktopFlowWriteSchema } from '../../desktop-flow-schemas.js';
import { desktopFlowPath, environmentPath } from '../path-schemas.js';
import {
  createDesktopFlowHandler,
  deleteDesktopFlowHandler,
  getDesktopFlowHandler,
  listDesktopFlowsHandler,
  replaceDesktopFlowHandler,
} from './desktop-flow-handlers.js';
import type { DesktopFlowRoutePorts } from './desktop-flow-handlers.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Desktop flows';

/** The desktop flow routes, in the order the host matches them. */
export const desktopFlowsRoutes: ApiRoute<unknown, RawPathParams, DesktopFlowRoutePorts>[] = [
  defineRoute({
    name: 'createDesktopFlow',
    method: 'POST',
    route: 'environments/{env}/desktop-flows',
    params: environmentPath,
    summary: 'Register a desktop flow: the step list a bot executes (SystemAdministrator, EnvironmentMaker, DesktopFlowsMachineOwner).',
    tag: TAG,
    auth: 'user',
    body: desktopFlowWriteSchema,
    responses: {
      201: { description: 'Created', schema: desktopFlowSchema },
      400: problem('Invalid body or definition (at most 500 steps)'),
      403: problem('Role may not create desktop flows'),
      404: problem('Environment not found'),
    },
    handle: createDesktopFlowHandler,
  }),
  defineRoute({
    name: 'listDesktopFlows',
    method: 'GET',
    route: 'environments/{env}/desktop-flows',
    params: environmentPath,
    summary: 'List desktop flows (every member), oldest first, without their definitions.',
    tag: TAG,
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Desktop flows', schema: listOf(desktopFlowSummarySchema) },
      400: problem('Invalid pageSize, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Environment not found'),
    },
    handle: listDesktopFlowsHandler,
  }),
  defineRoute({
    name: 'getDesktopFlow',
    method: 'GET',
    route: 'environments/{env}/desktop-flows/{id}',
    params: desktopFlowPath,
    summary: 'Read a desktop flow with its definition (every member).',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The desktop flow', schema: desktopFlowSchema }, 404: problem('Not found') },
    handle: getDesktopFlowHandler,
  }),
  defineRoute({
    name: 'replaceDesktopFlow',
    method: 'PUT',
    route: 'environments/{env}/desktop-flows/{id}',
    params: desktopFlowPath,
    summary:
      "Replace a desktop flow's name, description and definition (owner or SystemAdministrator); a new definition is a new version, and runs already submitted keep the version they were submitted with.",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: desktopFlowWriteSchema,
    responses: {
      200: { description: 'Replaced', schema: desktopFlowSchema },
      400: problem('Invalid body or definition'),
      403: problem('Not the owner nor a SystemAdministrator'),
      404: problem('Not found'),
      412: problem('Stale If-Match'),
    },
    handle: replaceDesktopFlowHandler,
  }),
  defineRoute({
    name: 'deleteDesktopFlow',
    method: 'DELETE',
    route: 'environments/{env}/desktop-flows/{id}',
    params: desktopFlowPath,
    summary: 'Delete a desktop flow (owner or SystemAdministrator); its versions are kept, so runs already submitted still run the version they reference.',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: {
      204: { description: 'Deleted' },
      403: problem('Not the owner nor a SystemAdministrator'),
      404: problem('Not found'),
      412: problem('Stale If-Match'),
    },
    handle: deleteDesktopFlowHandler,
  }),
];
