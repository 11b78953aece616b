import { createHash } from 'node:crypto';

import type { AgentBootstrap, BotRef } from './bot-provisioner.js';

/** The VM extension that hands the agent its settings; one per VM, re-PUT to rotate the credential. */
export const AGENT_EXTENSION = {
  name: 'hosted-rpa-agent',
  publisher: 'Microsoft.Compute',
  type: 'CustomScriptExtension',
  typeHandlerVersion: '1.10',
} as const;

/** What runs on the VM; both fields go to the extension's protectedSettings, never to its public settings. */
export interface AgentBootstrapCommand {
  commandToExecute: string;
  /** files the extension downloads first (an agent installer, say); none by default */
  fileUris?: string[];
}

/** The seam: a deployment with its own agent installer passes its own builder to the ARM provisioner. */
export type AgentBootstrapBuilder = (input: BotRef & AgentBootstrap) => AgentBootstrapCommand;

/** PowerShell single-quoted literal; PowerShell also treats the typographic single quotes as quotes. */
function psLiteral(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * The default bootstrap: writes `%ProgramData%\HostedRpa\agent.json` (control-plane URL, bot and group ids,
 * bot credential) into a folder only SYSTEM and Administrators may read, then (re)starts the `HostedRpaAgent`
 * service if the image has one. The script travels as `-EncodedCommand` (UTF-16LE, base64) so no value needs
 * shell quoting.
 */
export const defaultAgentBootstrap: AgentBootstrapBuilder = (input) => {
  const script = [
    "$ErrorActionPreference = 'Stop'",
    "$dir = Join-Path $env:ProgramData 'HostedRpa'",
    'New-Item -ItemType Directory -Force -Path $dir | Out-Null',
    // SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, before the credential is written
    "icacls $dir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null",
    `$settings = [ordered]@{ controlPlaneUrl = ${psLiteral(input.controlPlaneUrl)}; environmentId = ${psLiteral(input.environmentId)}; groupId = ${psLiteral(input.groupId)}; botId = ${psLiteral(input.botId)}; credential = ${psLiteral(input.credential)} }`,
    "$settings | ConvertTo-Json | Set-Content -Path (Join-Path $dir 'agent.json') -Encoding UTF8",
    "$service = Get-Service -Name 'HostedRpaAgent' -ErrorAction SilentlyContinue",
    'if ($service) { Restart-Service -InputObject $service }',
  ].join('\n');
  const encoded = Buffer.from(script, 'utf16le').toString('base64');
  return { commandToExecute: `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encoded}` };
};

/** Decodes what `defaultAgentBootstrap` encoded (for tests and for reading a VM's extension by hand). */
export function decodeBootstrapScript(commandToExecute: string): string | undefined {
  const encoded = /-EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(commandToExecute)?.[1];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf16le');
}

/**
 * The extension's `forceUpdateTag`: changes when the command does (a new credential at reprovision), so the
 * extension runs again; stays the same on a retried provision, so it does not. A digest: the tag is readable
 * by anyone who may read the VM, the command is not.
 */
export function bootstrapUpdateTag(command: AgentBootstrapCommand): string {
  return createHash('sha256').update(JSON.stringify(command), 'utf8').digest('hex').slice(0, 16);
}
