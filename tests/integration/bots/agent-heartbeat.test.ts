import { describe, expect, it } from 'vitest';
import { agentHeartbeat } from '../../../app/agent.js';
import { clientFor } from '../../support/api-client.js';
import { builtInImageId, createGroup } from '../../support/connection-fixtures.js';
import { createEnvironment } from '../../support/fixtures.js';
import { aBotRecord, sweepServices, TestClock } from '../../support/maintenance-fixtures.js';

// The agent surface's heartbeat in this process against the shared cloud's Cosmos, with a clock the test moves.

describe('the agent heartbeat', () => {
  it('asks an idle agent to call twice a second for a minute after its bot went idle, then every 5 s', async () => {
    const admin = await clientFor({ userId: 'agent-heartbeat-admin', platformAdmin: true });
    const env = await createEnvironment(admin, { capacity: 1 });
    const group = await createGroup(admin, env.id, await builtInImageId(admin, env.id), { maxBots: 1 });
    const clock = new TestClock();
    const deps = sweepServices([env.id], clock);
    const bot = await aBotRecord(deps, env.id, group.id, 'Ready');
    const identity = { environmentId: env.id, groupId: group.id, botId: bot.id, credentialVersion: bot.credentialVersion };

    expect((await agentHeartbeat(deps, identity, undefined)).nextHeartbeatMs).toBe(500);
    clock.advance(61_000);
    const later = await agentHeartbeat(deps, identity, undefined);
    expect(later).toMatchObject({ nextHeartbeatMs: 5_000, cancelRequested: false });
    expect(later).not.toHaveProperty('assignedRun');
  });
});
