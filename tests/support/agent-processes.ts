import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentConfig } from '../../agent/agent-config.js';
import type { AppClients } from '../../composition/root/clients.js';
import type { BotDocument } from '../../domain/bot.js';
import { localCloud } from './api-client.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A bot agent as its own OS process (agent/main.ts), for a bot record of the shared local cloud. */
export interface AgentProcess {
  bot: BotDocument;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const started = new Set<AgentProcess>();
const folders: string[] = [];

export async function startAgentProcess(deps: AppClients, bot: BotDocument, machineAccount: AgentConfig['machineAccount']): Promise<AgentProcess> {
  const folder = mkdtempSync(path.join(tmpdir(), 'agent-'));
  folders.push(folder);
  const config: AgentConfig = {
    controlPlaneUrl: `${localCloud().baseUrl}/api`,
    environmentId: bot.environmentId,
    groupId: bot.groupId,
    botId: bot.id,
    credential: await deps.botCredentials.issue(
      { environmentId: bot.environmentId, groupId: bot.groupId, botId: bot.id, credentialVersion: bot.credentialVersion },
      new Date(),
    ),
    machineAccount,
    serviceBusEmulator: true,
  };
  const file = path.join(folder, 'agent.json');
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts', '--config', file], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, HOSTED_RPA_AGENT_EXIT_WITH_PARENT: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.AGENT_DEBUG) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const agent: AgentProcess = { bot, child, output: () => output, exited };
  started.add(agent);
  void exited.then(() => started.delete(agent));
  return agent;
}

/** Kills every agent process this test file started (by its pid) and removes their config files. */
export async function stopAgentProcesses(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const running = [...started];
  for (const agent of running) agent.child.kill(signal);
  await Promise.all(running.map((a) => Promise.race([a.exited, new Promise((r) => setTimeout(r, 10_000))])));
  for (const agent of running) if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** What the running agents printed (for diagnosing a failed test). */
export function agentOutputs(): string {
  return [...started].map((a) => `--- bot ${a.bot.id}\n${a.output()}`).join('\n');
}
