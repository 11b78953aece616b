import { app } from '@azure/functions';
import { healthHandler } from '../api/http/health.js';

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: healthHandler });
