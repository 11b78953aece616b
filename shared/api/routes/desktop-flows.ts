import type { ApiRoute } from '../../http/api-route.js';

export const desktopFlowsRoutes: ApiRoute<unknown>[] = [];
