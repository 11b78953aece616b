import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { AgentConfig } from '../../agent/agent-config.js';
import type { BotSpec } from '../../app/ports/bot-provisioner.js';
import type { RunningAgent } from './simulated-bot-provisioner.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const AGENT_ENTRY = path.join(REPO_ROOT, 'agent/main.ts');
/** SIGTERM first; an agent still there after this is killed */
const STOP_GRACE_MS = 2_000;
// An ESM bundle of CommonJS dependencies (@azure/service-bus, rhea) needs `require` (as packaging/agent-package.ts)
const REQUIRE_SHIM = "import { createRequire as __agentCreateRequire } from 'node:module'; const require = __agentCreateRequire(import.meta.url);";

let bundled: Promise<string> | undefined;

/**
 * The agent bundled once per host process (esbuild, ~1 s): each simulated bot then starts plain `node agent.mjs`,
 * without compiling TypeScript at every start (tests start many bots on few cores).
 */
function agentBundle(stateDir: string): Promise<string> {
  bundled ??= (async () => {
    // beside the VMs' folders, so that a host killed before its exit handler ran leaves nothing outside its cloud's state
    const dir = path.join(stateDir, `.agent-bundle-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const outfile = path.join(dir, 'agent.mjs');
    await build({
      entryPoints: [AGENT_ENTRY],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      banner: { js: REQUIRE_SHIM },
      legalComments: 'none',
      logLevel: 'warning',
    });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return outfile;
  })().catch((err: unknown) => {
    bundled = undefined;
    throw err;
  });
  return bundled;
}

export interface AgentProcessOptions {
  /**
   * The simulated VMs' disks: `<stateDir>/<bot>/agent.json` is kept while the VM exists (as a VM keeps its agent.json),
   * so that an agent killed with its host is started again by the next host (resumeAgentProcess).
   */
  stateDir: string;
  log?: (line: string) => void;
}

const folderOf = (stateDir: string, botId: string) => path.join(stateDir, botId.replace(/[^A-Za-z0-9-]/g, '_'));

/**
 * A simulated VM's agent: `agent/main.ts` as its own OS process with the agent.json a VM's bootstrap writes (mode
 * 0600), talking to the API over HTTP and to the Service Bus peer over AMQP. It exits with this process (its stdin
 * closes); `stop()` (the VM is deleted) sends SIGTERM, then SIGKILL after a short grace, and removes its folder.
 */
export async function startAgentProcess(
  spec: BotSpec,
  machineAccount: { username: string; password: string },
  options: AgentProcessOptions,
): Promise<RunningAgent> {
  const config: AgentConfig = {
    controlPlaneUrl: spec.agent.controlPlaneUrl,
    environmentId: spec.environmentId,
    groupId: spec.groupId,
    botId: spec.botId,
    credential: spec.agent.credential,
    machineAccount,
    serviceBusEmulator: true,
  };
  const folder = folderOf(options.stateDir, spec.botId);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(folder, 'agent.json'), JSON.stringify(config), { mode: 0o600 });
  return launch(spec.botId, folder, options);
}

/** The agent of a VM that outlived the host that started it (its folder is still there), or undefined. */
export async function resumeAgentProcess(botId: string, options: AgentProcessOptions): Promise<RunningAgent | undefined> {
  const folder = folderOf(options.stateDir, botId);
  if (!existsSync(path.join(folder, 'agent.json'))) return undefined;
  return launch(botId, folder, options);
}

async function launch(botId: string, folder: string, options: AgentProcessOptions): Promise<RunningAgent> {
  const bundle = await agentBundle(options.stateDir);
  const child = spawn(process.execPath, [bundle, '--config', path.join(folder, 'agent.json')], {
    cwd: folder,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, HOSTED_RPA_AGENT_EXIT_WITH_PARENT: '1' },
  });
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const forward = (stream: string) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) log(`[agent ${botId} ${stream}] ${line}`);
  };
  child.stdout.on('data', forward('out'));
  child.stderr.on('data', forward('err'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
