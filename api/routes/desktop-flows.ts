import { pageOf, pagingQueryDocs } from '../paging.js';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import { createDesktopFlow, deleteDesktopFlow, getDesktopFlow, listDesktopFlows, replaceDesktopFlow } from '../../app/desktop-flows/desktop-flows.js';
import { listOf, problemSchema } from '../common-schemas.js';
import { desktopFlowResource, desktopFlowSummary } from '../desktop-flow-presenters.js';
import { withOwnerName, withOwnerNames } from '../owner-names.js';
import { desktopFlowSchema, desktopFlowSummarySchema, desktopFlowWriteSchema } from '../desktop-flow-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Desktop flows';

export const desktopFlowsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'createDesktopFlow',
    method: 'POST',
    route: 'environments/{env}/desktop-flows',
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
    async handle(req, deps) {
      const flow = await createDesktopFlow(deps, req.principal, req.params.env, req.body);
      return {
        status: 201,
        body: await withOwnerName(deps, flow.environmentId, desktopFlowResource(flow)),
        etag: flow.etag,
        location: `environments/${flow.environmentId}/desktop-flows/${flow.id}`,
      };
    },
  }),
  defineRoute({
    name: 'listDesktopFlows',
    method: 'GET',
    route: 'environments/{env}/desktop-flows',
    summary: 'List desktop flows (every member), oldest first, without their definitions.',
    tag: TAG,
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Desktop flows', schema: listOf(desktopFlowSummarySchema) },
      400: problem('Invalid pageSize, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Environment not found'),
    },
    async handle(req, deps) {
      const page = await listDesktopFlows(deps, req.principal, req.params.env, pageOf(req.query));
      return {
        status: 200,
        body: {
          items: await withOwnerNames(deps, req.params.env, page.items.map(desktopFlowSummary)),
          ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
        },
      };
    },
  }),
  defineRoute({
    name: 'getDesktopFlow',
    method: 'GET',
    route: 'environments/{env}/desktop-flows/{id}',
    summary: 'Read a desktop flow with its definition (every member).',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The desktop flow', schema: desktopFlowSchema }, 404: problem('Not found') },
    async handle(req, deps) {
      const flow = await getDesktopFlow(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: await withOwnerName(deps, flow.environmentId, desktopFlowResource(flow)), etag: flow.etag };
    },
  }),
  defineRoute({
    name: 'replaceDesktopFlow',
    method: 'PUT',
    route: 'environments/{env}/desktop-flows/{id}',
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
    async handle(req, deps) {
      const flow = await replaceDesktopFlow(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: await withOwnerName(deps, flow.environmentId, desktopFlowResource(flow)), etag: flow.etag };
    },
  }),
  defineRoute({
    name: 'deleteDesktopFlow',
    method: 'DELETE',
    route: 'environments/{env}/desktop-flows/{id}',
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
    async handle(req, deps) {
      await deleteDesktopFlow(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
      return { status: 204 };
    },
  }),
];
