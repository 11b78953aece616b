import { createHash } from 'node:crypto';

import type { AgentBootstrap, BotRef } from '../../app/ports/bot-provisioner.js';

/** The VM extension that hands the agent its settings; one per VM, re-PUT to rotate the credential. */
export const AGENT_EXTENSION = {
  name: 'hosted-rpa-agent',
  publisher: 'Microsoft.Compute',
  type: 'CustomScriptExtension',
  typeHandlerVersion: '1.10',
} as const;

/** What runs on the VM; every field goes to the extension's protectedSettings, never to its public settings. */
export interface AgentBootstrapCommand {
  commandToExecute: string;
  /** files the extension downloads first (an agent installer, say); none by default */
  fileUris?: string[];
  /** the VM's user-assigned identity the extension downloads `fileUris` with (Storage Blob Data Reader) */
  managedIdentity?: { clientId: string };
}

/** The blobs `npm run package:agent` writes and deployment uploads to the agent container. */
export const AGENT_PACKAGE_BLOBS = {
  installer: 'install-agent.ps1',
  zip: 'hosted-rpa-agent.zip',
} as const;

/** Where the extension fetches the agent package: the container and the identity that may read it. */
export interface AgentPackageSource {
  /** `AGENT_PACKAGE_URL`: https://<account>.blob.core.windows.net/agent */
  containerUrl: string;
  /** `BOT_IDENTITY_CLIENT_ID`: the bots' identity, attached to every VM */
  identityClientId: string;
}

/** The seam: a deployment with its own agent installer passes its own builder to the ARM provisioner. */
export type AgentBootstrapBuilder = (input: BotRef & AgentBootstrap) => AgentBootstrapCommand;

/** PowerShell single-quoted literal; PowerShell also treats the typographic single quotes as quotes. */
function psLiteral(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** agent.json, as the agent reads it (`--config`): the field names are the agent's contract. */
export function agentSettingsJson(input: BotRef & AgentBootstrap): string {
  const { controlPlaneUrl, environmentId, groupId, botId, credential } = input;
  return JSON.stringify({ controlPlaneUrl, environmentId, groupId, botId, credential });
}

/** PowerShell as `-EncodedCommand` (UTF-16LE, base64): no value needs shell quoting. */
function encodedPowerShell(lines: readonly string[]): string {
  const encoded = Buffer.from(lines.join('\n'), 'utf16le').toString('base64');
  return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encoded}`;
}

/**
 * The bootstrap for images that carry the agent (a custom gallery image, docs/deploy.md): writes
 * `%ProgramData%\HostedRpa\agent.json` (control-plane URL, bot and group ids, bot credential) into a folder only
 * SYSTEM and Administrators may read, then (re)starts the `HostedRpaAgent` service if the image has one.
 */
export const defaultAgentBootstrap: AgentBootstrapBuilder = (input) => ({
  commandToExecute: encodedPowerShell([
    "$ErrorActionPreference = 'Stop'",
    "$dir = Join-Path $env:ProgramData 'HostedRpa'",
    'New-Item -ItemType Directory -Force -Path $dir | Out-Null',
    // SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, before the credential is written
    "icacls $dir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null",
    `$settings = ${psLiteral(agentSettingsJson(input))}`,
    // UTF-8 without a byte order mark: Node's JSON.parse refuses one (Set-Content -Encoding UTF8 writes it)
    "[System.IO.File]::WriteAllText((Join-Path $dir 'agent.json'), $settings, (New-Object System.Text.UTF8Encoding($false)))",
    "$service = Get-Service -Name 'HostedRpaAgent' -ErrorAction SilentlyContinue",
    'if ($service) { Restart-Service -InputObject $service -Force }',
  ]),
});

/**
 * The bootstrap from the agent package (`AGENT_PACKAGE_URL`): the extension downloads install-agent.ps1 and
 * hosted-rpa-agent.zip with the VM's identity and runs the installer from its download folder, which writes
 * agent.json and installs Node.js, the agent and its service, or only restarts the service when the image
 * already carries this agent version. The settings travel base64-encoded inside the protected command.
 */
export function packageAgentBootstrap(source: AgentPackageSource): AgentBootstrapBuilder {
  const container = source.containerUrl.replace(/\/+$/, '');
  return (input) => ({
    commandToExecute: encodedPowerShell([
      "$ErrorActionPreference = 'Stop'",
      `& (Join-Path $PWD ${psLiteral(AGENT_PACKAGE_BLOBS.installer)}) -SettingsBase64 ${psLiteral(Buffer.from(agentSettingsJson(input), 'utf8').toString('base64'))}`,
      'exit $LASTEXITCODE',
    ]),
    fileUris: [`${container}/${AGENT_PACKAGE_BLOBS.installer}`, `${container}/${AGENT_PACKAGE_BLOBS.zip}`],
    managedIdentity: { clientId: source.identityClientId },
  });
}

/** Decodes what a bootstrap above encoded (for tests and for reading a VM's extension by hand). */
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
