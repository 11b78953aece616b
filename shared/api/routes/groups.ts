import type { ApiRoute } from '../../http/api-route.js';

export const groupsRoutes: ApiRoute<unknown>[] = [];
