import type { ApiRoute } from '../../http/api-route.js';

export const imagesRoutes: ApiRoute<unknown>[] = [];
