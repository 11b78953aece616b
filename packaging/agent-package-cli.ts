import path from 'node:path';
import { buildAgentPackage } from './agent-package.js';

// `npm run package:agent [outDir]`: writes .deploy/agent (bundle, install-agent.ps1, hosted-rpa-agent.zip).
// Run it after `npm run package`, which empties .deploy.
const repoRoot = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, '.deploy'));
const built = await buildAgentPackage(repoRoot, outDir, { log: (line) => process.stdout.write(`package:agent: ${line}\n`) });
process.stdout.write(
  `package:agent: ready: ${path.relative(process.cwd(), built.zip)} (${built.zipBytes} bytes, agent ${built.agentVersion}) and ${path.relative(process.cwd(), built.installer)}\n`,
);
