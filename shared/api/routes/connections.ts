import type { ApiRoute } from '../../http/api-route.js';

export const connectionsRoutes: ApiRoute<unknown>[] = [];
