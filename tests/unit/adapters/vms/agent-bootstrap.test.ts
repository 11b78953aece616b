import { describe, expect, it } from 'vitest';

import {
  AGENT_PACKAGE_BLOBS,
  agentSettingsJson,
  bootstrapUpdateTag,
  decodeBootstrapScript,
  defaultAgentBootstrap,
  packageAgentBootstrap,
} from '../../../../adapters/vms/agent-bootstrap.js';

const input = { environmentId: 'env-1', groupId: 'g-1', botId: 'b-1', controlPlaneUrl: 'https://cp.example/api', credential: 'tok.en.sig' };
const COMMAND = /^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/;

describe('agentSettingsJson', () => {
  it('holds the fields agent.json has always had, and nothing else', () => {
    expect(JSON.parse(agentSettingsJson({ ...input, extra: 'x' } as typeof input))).toEqual(input);
  });
});

describe('defaultAgentBootstrap (an image that carries the agent)', () => {
  it('encodes a script that locks the settings folder down before writing the credential, then restarts the agent service', () => {
    const { commandToExecute, fileUris, managedIdentity } = defaultAgentBootstrap(input);

    expect(commandToExecute).toMatch(COMMAND);
    expect(commandToExecute).not.toContain('tok.en.sig');
    expect(fileUris).toBeUndefined();
    expect(managedIdentity).toBeUndefined();
    const script = decodeBootstrapScript(commandToExecute) ?? '';
    const lines = script.split('\n');
    const acl = lines.findIndex((l) => l.startsWith('icacls'));
    const write = lines.findIndex((l) => l.includes('WriteAllText'));
    expect(acl).toBeGreaterThan(0);
    expect(write).toBeGreaterThan(acl);
    expect(script).toContain(`$settings = '${agentSettingsJson(input)}'`);
    // no byte order mark: Node's JSON.parse refuses one
    expect(script).toContain('UTF8Encoding($false)');
    expect(script).not.toContain('Set-Content');
    expect(script).toContain("Get-Service -Name 'HostedRpaAgent'");
  });

  it('quotes values as PowerShell literals, typographic quotes included', () => {
    const script = decodeBootstrapScript(defaultAgentBootstrap({ ...input, groupId: "o'brien\u2019s" }).commandToExecute) ?? '';

    expect(script).toContain(`"groupId":"o''brien\u2019\u2019s"`);
  });
});

describe('packageAgentBootstrap (the agent package from the agent container)', () => {
  const bootstrap = packageAgentBootstrap({ containerUrl: 'https://st1.blob.core.windows.net/agent/', identityClientId: 'bots-client' });

  it('downloads the installer and the package with the bots identity and runs the installer with the settings', () => {
    const { commandToExecute, fileUris, managedIdentity } = bootstrap(input);

    expect(fileUris).toEqual([
      `https://st1.blob.core.windows.net/agent/${AGENT_PACKAGE_BLOBS.installer}`,
      `https://st1.blob.core.windows.net/agent/${AGENT_PACKAGE_BLOBS.zip}`,
    ]);
    expect(managedIdentity).toEqual({ clientId: 'bots-client' });
    expect(commandToExecute).toMatch(COMMAND);
    const script = decodeBootstrapScript(commandToExecute) ?? '';
    const settings = /-SettingsBase64 '([A-Za-z0-9+/=]+)'/.exec(script)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(settings, 'base64').toString('utf8'))).toEqual(input);
    expect(script).toContain(`& (Join-Path $PWD '${AGENT_PACKAGE_BLOBS.installer}')`);
    expect(script).not.toContain('tok.en.sig');
  });

  it('changes its update tag with the credential only', () => {
    expect(bootstrapUpdateTag(bootstrap(input))).toBe(bootstrapUpdateTag(bootstrap(input)));
    expect(bootstrapUpdateTag(bootstrap(input))).not.toBe(bootstrapUpdateTag(bootstrap({ ...input, credential: 'rotated' })));
  });
});

describe('bootstrapUpdateTag', () => {
  it('changes with the command (a rotated credential) and only then', () => {
    const one = defaultAgentBootstrap(input);

    expect(bootstrapUpdateTag(one)).toBe(bootstrapUpdateTag(defaultAgentBootstrap(input)));
    expect(bootstrapUpdateTag(one)).not.toBe(bootstrapUpdateTag(defaultAgentBootstrap({ ...input, credential: 'rotated' })));
  });
});
