import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ENTRY, type AgentPackage, buildAgentPackage } from '../../../packaging/agent-package.js';
import { AGENT_PACKAGE_FILES, PINNED_NODE } from '../../../packaging/agent-package-installer.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
// agent/main.ts once it exists; until then a stand-in with the same dependencies
const entry = existsSync(path.join(repoRoot, AGENT_ENTRY)) ? AGENT_ENTRY : 'tests/integration/packaging/fixtures/agent-entry.ts';

let outDir = '';
let runDir = '';
let pkg: AgentPackage;

/** The names in a zip's central directory (yazl writes no zip64 for files this small). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'agent-package-'));
  runDir = mkdtempSync(path.join(tmpdir(), 'agent-run-'));
  pkg = await buildAgentPackage(repoRoot, outDir, { entry });
}, 300_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

describe('npm run package:agent', () => {
  it('stages the bundle, the installer and the version file, and zips them', () => {
    expect(pkg.dir).toBe(path.join(outDir, 'agent'));
    for (const file of [pkg.bundle, pkg.installer, pkg.zip]) expect(existsSync(file)).toBe(true);
    expect(zipEntries(readFileSync(pkg.zip)).sort()).toEqual([AGENT_PACKAGE_FILES.bundle, AGENT_PACKAGE_FILES.installer, AGENT_PACKAGE_FILES.version].sort());
    const version = JSON.parse(readFileSync(path.join(pkg.dir, AGENT_PACKAGE_FILES.version), 'utf8')) as { agentVersion: string; nodeVersion: string };
    expect(version).toEqual({ agentVersion: pkg.agentVersion, nodeVersion: PINNED_NODE.version });
    expect(pkg.agentVersion).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });

  it('bundles the agent with its dependencies: it runs from a folder without node_modules', () => {
    const copy = path.join(runDir, AGENT_PACKAGE_FILES.bundle);
    copyFileSync(pkg.bundle, copy);
    const out = execFileSync(process.execPath, [copy, '--help'], { cwd: runDir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    // the contract of agent/main.ts: `--help` prints its usage and exits 0 without reading a config
    expect(out.trim().length).toBeGreaterThan(0);
    expect(readFileSync(pkg.bundle, 'utf8')).not.toMatch(/from\s*["']@azure\/service-bus["']/);
  });

  it('pins Node.js by version and SHA-256 and refuses any other download', () => {
    const script = readFileSync(pkg.installer, 'utf8');
    expect(script).toContain(`$NodeVersion = '${PINNED_NODE.version}'`);
    expect(script).toContain(`$NodeZipSha256 = '${PINNED_NODE.windowsX64ZipSha256}'`);
    expect(PINNED_NODE.windowsX64ZipSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(script).toMatch(/if \(\$actual -ne \$NodeZipSha256\) \{\r\n\s+Remove-Item[^\r]*\r\n\s+throw /);
    expect(script).toContain(`$AgentVersion = '${pkg.agentVersion}'`);
    expect(script.includes('\r\n') && !/[^\r]\n/.test(script)).toBe(true);
  });

  it('registers a service that starts at boot and restarts on failure, and handles a preinstalled agent', () => {
    const script = readFileSync(pkg.installer, 'utf8');
    expect(script).toContain('-StartupType Automatic');
    expect(script).toMatch(/sc\.exe failure \$ServiceName reset= \d+ actions= restart\/\d+/);
    expect(script).toContain('Restart-Service -Name $ServiceName');
    expect(script).toContain('class HostedRpaAgentServiceHost : ServiceBase');
    expect(script).toContain(`agent\\\\${AGENT_PACKAGE_FILES.bundle}`);
    // the settings are written before anything can fail on the way to the install
    expect(script.indexOf('\r\nWrite-AgentSettings\r\n')).toBeLessThan(script.indexOf('\r\nInstall-Node\r\n'));
  });

  it('never prints the settings (they hold the bot credential)', () => {
    const script = readFileSync(pkg.installer, 'utf8');
    const printing = script.split('\r\n').filter((line) => /Write-(Output|Host|Step|Verbose|Information)|Start-Transcript|\becho\b/.test(line));
    expect(printing.length).toBeGreaterThan(3);
    for (const line of printing) expect(line).not.toMatch(/\$SettingsBase64|\$settings\b|credential/i);
    expect(script).not.toMatch(/Start-Transcript|Set-PSDebug/);
  });
});
