import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { application } from '../composition/root/process-application.js';
import { metaRouteDocs } from '../api/routes/meta.js';
import { NO_ROUTE_FUNCTION, noRouteHandler } from '../api/http/not-found.js';

for (const { route, handler } of application.api) {
  app.http(route.name, {
    route: route.route,
    methods: [route.method],
    authLevel: 'anonymous',
    // only routes that start or signal orchestrations carry the Durable client input
    ...(route.durableClient || route.wakesController ? { extraInputs: [df.input.durableClient()] } : {}),
    handler,
  });
}

// Anything else under /api answers problem+json (404, or 405 with Allow) rather than the host's empty 404. Its name
// sorts after every other function's, so it cannot shadow a route (see NO_ROUTE_FUNCTION).
app.http(NO_ROUTE_FUNCTION, {
  route: '{*path}',
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  authLevel: 'anonymous',
  handler: noRouteHandler([...metaRouteDocs, ...application.api.map(({ route }) => route)]),
});
