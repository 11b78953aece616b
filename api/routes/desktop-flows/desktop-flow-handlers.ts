import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import {
  createDesktopFlow,
  deleteDesktopFlow,
  getDesktopFlow,
  listDesktopFlows,
  replaceDesktopFlow,
  type DesktopFlowPorts,
} from '../../../app/desktop-flows/desktop-flows.js';
import type { memberNames } from '../../../app/environments/members.js';
import { desktopFlowResource, desktopFlowSummary } from '../../desktop-flow-presenters.js';
import type { desktopFlowWriteSchema } from '../../desktop-flow-schemas.js';
import { withOwnerName, withOwnerNames } from '../../owner-names.js';
import { pageOf } from '../../paging.js';
import type { DesktopFlowPath, EnvironmentPath } from '../path-schemas.js';

/** What the desktop flow routes need of the composition root: the use cases' ports and the owners' names. */
export type DesktopFlowRoutePorts = DesktopFlowPorts & Parameters<typeof memberNames>[0];

/** `POST environments/{env}/desktop-flows` */
export async function createDesktopFlowHandler(
  req: ApiRequest<z.output<typeof desktopFlowWriteSchema>, EnvironmentPath>,
  deps: DesktopFlowRoutePorts,
): Promise<ApiResponse> {
  const flow = await createDesktopFlow(deps, req.principal, req.params.env, req.body);
  return {
    status: 201,
    body: await withOwnerName(deps, flow.environmentId, desktopFlowResource(flow)),
    etag: flow.etag,
    location: `environments/${flow.environmentId}/desktop-flows/${flow.id}`,
  };
}

/** `GET environments/{env}/desktop-flows` */
export async function listDesktopFlowsHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: DesktopFlowRoutePorts): Promise<ApiResponse> {
  // the query before the path ids: a bad query is 400 whatever the ids
  const paging = pageOf(req.query);
  const page = await listDesktopFlows(deps, req.principal, req.params.env, paging);
  return {
    status: 200,
    body: {
      items: await withOwnerNames(deps, req.params.env, page.items.map(desktopFlowSummary)),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    },
  };
}

/** `GET environments/{env}/desktop-flows/{id}` */
export async function getDesktopFlowHandler(req: ApiRequest<undefined, DesktopFlowPath>, deps: DesktopFlowRoutePorts): Promise<ApiResponse> {
  const flow = await getDesktopFlow(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: await withOwnerName(deps, flow.environmentId, desktopFlowResource(flow)), etag: flow.etag };
}

/** `PUT environments/{env}/desktop-flows/{id}` */
export async function replaceDesktopFlowHandler(
  req: ApiRequest<z.output<typeof desktopFlowWriteSchema>, DesktopFlowPath>,
  deps: DesktopFlowRoutePorts,
): Promise<ApiResponse> {
  const flow = await replaceDesktopFlow(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: await withOwnerName(deps, flow.environmentId, desktopFlowResource(flow)), etag: flow.etag };
}

/** `DELETE environments/{env}/desktop-flows/{id}` */
export async function deleteDesktopFlowHandler(req: ApiRequest<undefined, DesktopFlowPath>, deps: DesktopFlowRoutePorts): Promise<ApiResponse> {
  await deleteDesktopFlow(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
  return { status: 204 };
}
