import { app } from '@azure/functions';
import { openApiHandler, swaggerHandler } from '../api/routes/meta.js';

app.http('openApiDocument', { route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous', handler: openApiHandler });
app.http('swaggerDocument', { route: 'swagger.json', methods: ['GET'], authLevel: 'anonymous', handler: swaggerHandler });
