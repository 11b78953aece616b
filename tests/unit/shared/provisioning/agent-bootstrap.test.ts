import { describe, expect, it } from 'vitest';

import { bootstrapUpdateTag, decodeBootstrapScript, defaultAgentBootstrap } from '../../../../shared/provisioning/agent-bootstrap.js';

const input = { environmentId: 'env-1', groupId: 'g-1', botId: 'b-1', controlPlaneUrl: 'https://cp.example/api', credential: 'tok.en.sig' };

describe('defaultAgentBootstrap', () => {
  it('encodes a script that locks the settings folder down before writing the credential, then restarts the agent service', () => {
    const { commandToExecute, fileUris } = defaultAgentBootstrap(input);

    expect(commandToExecute).toMatch(/^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/);
    expect(commandToExecute).not.toContain('tok.en.sig');
    expect(fileUris).toBeUndefined();
    const script = decodeBootstrapScript(commandToExecute) ?? '';
    const lines = script.split('\n');
    const acl = lines.findIndex((l) => l.startsWith('icacls'));
    const write = lines.findIndex((l) => l.includes('Set-Content'));
    expect(acl).toBeGreaterThan(0);
    expect(write).toBeGreaterThan(acl);
    expect(script).toContain("credential = 'tok.en.sig'");
    expect(script).toContain("controlPlaneUrl = 'https://cp.example/api'");
    expect(script).toContain("Get-Service -Name 'HostedRpaAgent'");
  });

  it('quotes values as PowerShell literals, typographic quotes included', () => {
    const script = decodeBootstrapScript(defaultAgentBootstrap({ ...input, groupId: "o'brien\u2019s" }).commandToExecute) ?? '';

    expect(script).toContain("groupId = 'o''brien\u2019\u2019s'");
  });
});

describe('bootstrapUpdateTag', () => {
  it('changes with the command (a rotated credential) and only then', () => {
    const one = defaultAgentBootstrap(input);

    expect(bootstrapUpdateTag(one)).toBe(bootstrapUpdateTag(defaultAgentBootstrap(input)));
    expect(bootstrapUpdateTag(one)).not.toBe(bootstrapUpdateTag(defaultAgentBootstrap({ ...input, credential: 'rotated' })));
  });
});
