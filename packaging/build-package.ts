import { execFileSync } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { buildConsole, consoleAssetsIn } from '../console/build.js';
import { azdPackageFiles } from './package-rules.js';

/** What `npm run package` writes under `.deploy/` (or the folder given). */
export interface DeploymentPackage {
  /** the staged folder azd zips (azure.yaml `dist`) and Core Tools can publish from */
  dir: string;
  /** the zip azd would upload, built with azd's rules from `dir` */
  zip: string;
  zipBytes: number;
  files: string[];
}

/** Folder patterns anchored with `/`: an unanchored `agent/` would also drop `dist/agent/` (gitignore rules). */
const PACKAGE_FUNCIGNORE = `# Written by npm run package; azd and Core Tools read it with gitignore rules.
# Anchor folder patterns with a leading / : an unanchored name matches at every depth.
/node_modules/**/*.map
/node_modules/**/*.d.ts
/node_modules/**/*.d.mts
/node_modules/**/*.d.cts
`;

const PACKAGE_FIELDS = ['name', 'version', 'description', 'type', 'main', 'engines', 'dependencies'] as const;

/** The folders of the production dependencies (`npm ls --omit=dev`), relative to the repository. */
function productionModuleDirs(repoRoot: string): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && path.resolve(line) !== path.resolve(repoRoot))
    .map((line) => path.relative(repoRoot, line));
}

function zipFolder(dir: string, files: string[], zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addFile(path.join(dir, file), file);
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream
      .pipe(createWriteStream(zipPath))
      .on('close', () => resolve())
      .on('error', reject);
  });
}

/**
 * Builds the deployment package: the production build (tsconfig.build.json: functions, orchestrations, domain, app, adapters, api, composition, protocol, and
 * what they import), host.json, a package.json with the production dependencies only, those dependencies' folders,
 * the web console's bundled assets (dist/console), and the zip azd uploads. Nothing of tests, the local cloud,
 * benchmarks, the simulator or the agent.
 */
export async function buildDeploymentPackage(repoRoot: string, outDir: string, log: (line: string) => void = () => undefined): Promise<DeploymentPackage> {
  const dir = path.join(outDir, 'package');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  log('compiling (tsconfig.build.json)');
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')],
    {
      cwd: repoRoot,
      stdio: 'inherit',
    },
  );

  log('bundling the web console (console/build.ts)');
  await buildConsole(consoleAssetsIn(dir));

  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify(Object.fromEntries(PACKAGE_FIELDS.filter((f) => f in pkg).map((f) => [f, pkg[f]])), null, 2)}\n`,
  );
  cpSync(path.join(repoRoot, 'host.json'), path.join(dir, 'host.json'));
  writeFileSync(path.join(dir, '.funcignore'), PACKAGE_FUNCIGNORE);

  const modules = productionModuleDirs(repoRoot);
  log(`copying ${modules.length} production packages`);
  for (const moduleDir of modules) {
    // nested node_modules are listed (and copied) on their own when they hold production packages
    cpSync(path.join(repoRoot, moduleDir), path.join(dir, moduleDir), {
      recursive: true,
      filter: (src) => path.basename(src) !== 'node_modules' || src === path.join(repoRoot, moduleDir),
    });
  }

  const files = azdPackageFiles(dir, { remoteBuild: false });
  const zip = path.join(outDir, 'app.zip');
  await zipFolder(dir, files, zip);
  const zipBytes = statSync(zip).size;
  log(`${files.length} files, ${(zipBytes / 1024 / 1024).toFixed(1)} MiB zipped: ${zip}`);
  return { dir, zip, zipBytes, files };
}
