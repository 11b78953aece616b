import { app } from '@azure/functions';
import { CONSOLE_FUNCTION, consoleAssetsDir } from '../api/console/console-assets.js';
import { application } from '../composition/root/process-application.js';

// The web console (docs/console.md). The host tries routes in function-name order and no API route starts with
// `console/`, so this catch-all shadows none (the packaging test checks every route stays reachable).
app.http(CONSOLE_FUNCTION, {
  route: 'console/{*path}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: application.console(consoleAssetsDir(import.meta.dirname)),
});
