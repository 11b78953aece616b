import path from 'node:path';
import { buildDeploymentPackage } from './build-package.js';

// `npm run package`: writes .deploy/package (azure.yaml's `dist`) and .deploy/app.zip.
const repoRoot = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, '.deploy'));
const built = await buildDeploymentPackage(repoRoot, outDir, (line) => process.stdout.write(`package: ${line}\n`));
process.stdout.write(`package: ready: ${path.relative(process.cwd(), built.dir)} (azd zips it) and ${path.relative(process.cwd(), built.zip)}\n`);
