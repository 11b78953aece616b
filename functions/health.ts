import { app } from '@azure/functions';
import { healthHandler } from '../shared/http/health.js';

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: healthHandler });
