import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectorFiles } from '../api/openapi/connector-package.js';
import { apiRoutes } from '../api/routes/index.js';

// `npm run connector`: writes the Power Automate custom connector package generated from the route table.
const dir = join(process.cwd(), 'connector');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(connectorFiles(apiRoutes))) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote connector/${name}`);
}
