import { describe, expect, it } from 'vitest';

import { botResourceNames, botTags } from '../../../../adapters/vms/bot-resources.js';

// ARM: VM names 1..64, NIC and disk names 1..80, letters, digits, hyphens; Windows computer names 1..15, not all digits
const ARM_NAME = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;

describe('botResourceNames', () => {
  it.each(['3f2b9c1e-8d4a-4f6b-9a7c-1e2d3c4b5a69', 'Bot_With Spaces/and#odd?chars', 'x', '---', 'ü'.repeat(10), 'a'.repeat(300)])(
    'derives valid ARM names from %s',
    (botId) => {
      const names = botResourceNames(botId);

      expect(names.vm).toMatch(ARM_NAME);
      expect(names.vm.length).toBeLessThanOrEqual(64);
      expect(names.nic.length).toBeLessThanOrEqual(80);
      expect(names.osDisk.length).toBeLessThanOrEqual(80);
      expect(names.computerName).toMatch(/^rpa[0-9a-f]{12}$/);
    },
  );

  it('is a pure function of the bot id (a retried provision addresses the same resources)', () => {
    expect(botResourceNames('3f2b9c1e-8d4a-4f6b-9a7c-1e2d3c4b5a69')).toEqual({
      vm: 'bot-3f2b9c1e-8d4a-4f6b-9a7c-1e2d3c4b5a69-73bf27cd',
      nic: 'bot-3f2b9c1e-8d4a-4f6b-9a7c-1e2d3c4b5a69-73bf27cd-nic',
      osDisk: 'bot-3f2b9c1e-8d4a-4f6b-9a7c-1e2d3c4b5a69-73bf27cd-osdisk',
      computerName: 'rpa73bf27cd0467',
    });
  });

  it('keeps ids apart that ARM would confuse (case, punctuation, truncation)', () => {
    const ids = ['Bot-1', 'bot-1', 'bot_1', 'bot.1', `${'a'.repeat(100)}1`, `${'a'.repeat(100)}2`];

    const vms = ids.map((id) => botResourceNames(id).vm.toLowerCase());

    expect(new Set(vms).size).toBe(ids.length);
  });

  it('refuses an empty id', () => {
    expect(() => botResourceNames('')).toThrow(RangeError);
  });
});

describe('botTags', () => {
  it('tags with the deployment, environment, group and bot', () => {
    expect(botTags('dep-1', { environmentId: 'e', groupId: 'g', botId: 'b' })).toEqual({
      'hosted-rpa-deployment': 'dep-1',
      'hosted-rpa-environment': 'e',
      'hosted-rpa-group': 'g',
      'hosted-rpa-bot': 'b',
    });
  });
});
