import type { ApiRoute, RawPathParams } from '../http/api-route.js';
import type { AgentRoutePorts } from './agent/agent-handlers.js';
import type { BotRoutePorts } from './bots/bot-handlers.js';
import type { ConnectionRoutePorts } from './connections/connection-handlers.js';
import type { CredentialRoutePorts } from './credentials/credential-handlers.js';
import type { DesktopFlowRoutePorts } from './desktop-flows/desktop-flow-handlers.js';
import type { EnvironmentRoutePorts } from './environments/environment-handlers.js';
import type { GroupHistoryRoutePorts } from './group-history/group-history-handlers.js';
import type { GroupRoutePorts } from './groups/group-handlers.js';
import type { ImageRoutePorts } from './images/image-handlers.js';
import type { RunRoutePorts } from './runs/run-handlers.js';
import type { WebhookSecretRoutePorts } from './webhook-secret/webhook-secret-handlers.js';
import { agentRoutes } from './agent/agent-routes.js';
import { botsRoutes } from './bots/bot-routes.js';
import { connectionsRoutes } from './connections/connection-routes.js';
import { credentialsRoutes } from './credentials/credential-routes.js';
import { desktopFlowsRoutes } from './desktop-flows/desktop-flow-routes.js';
import { environmentRoutes } from './environments/environment-routes.js';
import { groupHistoryRoutes } from './group-history/group-history-routes.js';
import { groupsRoutes } from './groups/group-routes.js';
import { imagesRoutes } from './images/image-routes.js';
import { runsRoutes } from './runs/run-routes.js';
import { webhookSecretRoutes } from './webhook-secret/webhook-secret-routes.js';

/** What the API's routes need of the composition root: the union of every resource's ports. */
export type ApiPorts = EnvironmentRoutePorts &
  ImageRoutePorts &
  GroupRoutePorts &
  ConnectionRoutePorts &
  CredentialRoutePorts &
  DesktopFlowRoutePorts &
  BotRoutePorts &
  GroupHistoryRoutePorts &
  RunRoutePorts &
  WebhookSecretRoutePorts &
  AgentRoutePorts;

/** Every route of the API, in one table: functions/api.ts registers them and the OpenAPI document lists them. */
export const apiRoutes: ApiRoute<unknown, RawPathParams, ApiPorts>[] = [
  ...environmentRoutes,
  ...imagesRoutes,
  ...groupsRoutes,
  ...connectionsRoutes,
  ...credentialsRoutes,
  ...desktopFlowsRoutes,
  ...botsRoutes,
  ...groupHistoryRoutes,
  ...runsRoutes,
  ...webhookSecretRoutes,
  ...agentRoutes,
];
