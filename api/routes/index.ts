import type { ApiRoute } from '../http/api-route.js';
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

/** Every route of the API, in one table: functions/api.ts registers them and the OpenAPI document lists them. */
export const apiRoutes: ApiRoute<unknown>[] = [
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
