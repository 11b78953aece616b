import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import yazl from 'yazl';
import { AGENT_PACKAGE_FILES, PINNED_NODE, renderInstallScript } from './agent-package-installer.js';

/** The agent program the package ships (it reads `--config <agent.json>`). */
export const AGENT_ENTRY = 'agent/main.ts';

/** The Node.js the bundle is compiled for: the installer's pinned runtime. */
export const AGENT_BUNDLE_TARGET = 'node20';

/** What `npm run package:agent` writes under `<outDir>/agent`. */
export interface AgentPackage {
  dir: string;
  bundle: string;
  installer: string;
  zip: string;
  zipBytes: number;
  bundleBytes: number;
  agentVersion: string;
  /** the files inside the zip */
  files: string[];
}

export interface AgentPackageOptions {
  /** the entry to bundle, relative to the repository; AGENT_ENTRY by default */
  entry?: string;
  log?: (line: string) => void;
}

// An ESM bundle of CommonJS dependencies (@azure/service-bus, rhea) needs `require`; Node gives ESM none.
const REQUIRE_SHIM = "import { createRequire as __agentCreateRequire } from 'node:module'; const require = __agentCreateRequire(import.meta.url);";

function zipFiles(dir: string, files: readonly string[], zipPath: string): Promise<void> {
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
 * Bundles the agent and its dependencies into one ES module for Node 20 (no node_modules on the VM), then stages
 * `<outDir>/agent/` with the bundle, install-agent.ps1 and agent-version.json, and zips them to
 * hosted-rpa-agent.zip. The version is the package.json version plus a digest of the bundle, so a changed agent
 * is a new version (the installer compares it with what a VM or an image holds).
 */
export async function buildAgentPackage(repoRoot: string, outDir: string, options: AgentPackageOptions = {}): Promise<AgentPackage> {
  const log = options.log ?? (() => undefined);
  const dir = path.join(outDir, 'agent');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const entry = path.join(repoRoot, options.entry ?? AGENT_ENTRY);
  const bundle = path.join(dir, AGENT_PACKAGE_FILES.bundle);
  log(`bundling ${path.relative(repoRoot, entry)} for ${AGENT_BUNDLE_TARGET}`);
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: AGENT_BUNDLE_TARGET,
    format: 'esm',
    banner: { js: REQUIRE_SHIM },
    legalComments: 'none',
    logLevel: 'warning',
  });

  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const digest = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 12);
  const agentVersion = `${pkg.version}+${digest}`;
  writeFileSync(path.join(dir, AGENT_PACKAGE_FILES.version), `${JSON.stringify({ agentVersion, nodeVersion: PINNED_NODE.version }, null, 2)}\n`);
  // CRLF: the script is read by Windows PowerShell
  const installer = path.join(dir, AGENT_PACKAGE_FILES.installer);
  writeFileSync(installer, renderInstallScript(agentVersion).replace(/\r?\n/g, '\r\n'));

  const files = [AGENT_PACKAGE_FILES.bundle, AGENT_PACKAGE_FILES.installer, AGENT_PACKAGE_FILES.version];
  const zip = path.join(dir, AGENT_PACKAGE_FILES.zip);
  await zipFiles(dir, files, zip);
  log(`zipped ${files.length} files`);
  return { dir, bundle, installer, zip, zipBytes: statSync(zip).size, bundleBytes: statSync(bundle).size, agentVersion, files };
}
