import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunAccount } from './steps/index.js';

/**
 * agent.json (`--config`): the fields adapters/vms/agent-bootstrap.ts writes (controlPlaneUrl, environmentId,
 * groupId, botId, credential), plus two the local simulated bot adds: the machine's local account and the Service Bus
 * peer's plain-AMQP endpoint.
 */
export interface AgentConfig {
  /** the API base, e.g. https://<app>.azurewebsites.net/api */
  controlPlaneUrl: string;
  environmentId: string;
  groupId: string;
  botId: string;
  /** the bot credential (bearer) */
  credential: string;
  /** local simulated bot only: the account the machine was provisioned with (absent: Windows logon) */
  machineAccount?: RunAccount;
  /** local only: the Service Bus peer speaks AMQP without TLS (the emulator form of a connection) */
  serviceBusEmulator?: boolean;
}

export function defaultConfigPath(): string {
  return path.win32.join(process.env.ProgramData ?? 'C:\\ProgramData', 'HostedRpa', 'agent.json');
}

/** `--config <path>`, else the default path on Windows. */
export function configPathFrom(argv: readonly string[]): string {
  const at = argv.indexOf('--config');
  if (at >= 0 && argv[at + 1]) return argv[at + 1] as string;
  if (process.platform === 'win32') return defaultConfigPath();
  throw new Error('usage: agent --config <agent.json>');
}

const REQUIRED = ['controlPlaneUrl', 'environmentId', 'groupId', 'botId', 'credential'] as const;

export function loadAgentConfig(file: string): AgentConfig {
  const parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Partial<AgentConfig>;
  const missing = REQUIRED.filter((name) => typeof parsed[name] !== 'string' || parsed[name] === '');
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}`);
  return parsed as AgentConfig;
}
