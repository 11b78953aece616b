import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stateDirFor } from './stack/local-cloud.js';
import { mintToken, type IssuerState } from './stack/token-issuer.js';

/** `npm run token -- --user <id> [--name N] [--platform-admin] [--app]`: a bearer token for the running local stack. */
const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    name: { type: 'string' },
    'platform-admin': { type: 'boolean', default: false },
    app: { type: 'boolean', default: false },
    minutes: { type: 'string', default: '60' },
  },
  strict: true,
});

const port = Number(process.env.PORT ?? 7071);
if (!values.user) {
  process.stderr.write('Usage: npm run token -- --user <id> [--name N] [--platform-admin] [--app] [--minutes 60]\n');
  process.exit(2);
}
const stackFile = path.join(stateDirFor(port), 'stack.json');
if (!existsSync(stackFile)) {
  process.stderr.write(`No local stack is running on port ${port} (run \`npm start\`${port === 7071 ? '' : ' with the same PORT'} first).\n`);
  process.exit(1);
}
const { issuer } = JSON.parse(readFileSync(stackFile, 'utf8')) as { issuer: IssuerState };
const token = await mintToken(issuer, {
  userId: values.user,
  name: values.name,
  platformAdmin: values['platform-admin'],
  identityType: values.app ? 'app' : 'user',
  lifetimeSeconds: Number(values.minutes) * 60,
});
process.stdout.write(`${token}\n`);
