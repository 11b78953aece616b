import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { apiRoutes } from '../shared/api/routes/index.js';
import { getServices } from '../shared/composition/root.js';
import { toAzureHandler } from '../shared/http/api-handler.js';
import { notFoundHandler } from '../shared/http/not-found.js';

for (const route of apiRoutes) {
  app.http(route.name, {
    route: route.route,
    methods: [route.method],
    authLevel: 'anonymous',
    // only routes that start or signal orchestrations carry the Durable client input
    ...(route.durableClient ? { extraInputs: [df.input.durableClient()] } : {}),
    handler: toAzureHandler(route, getServices),
  });
}

// Anything else under /api answers problem+json 404 rather than the host's empty one.
app.http('notFound', { route: '{*path}', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], authLevel: 'anonymous', handler: notFoundHandler });
