import { describe, expect, it } from 'vitest';
import { RUN_ERROR_CODES, type RunDocument } from '../../../../domain/run.js';
import { cancelQueuedRunsOfGroup } from '../../../../app/runs/drain.js';
import { runPorts, seedRun } from '../../../support/fakes/run-ports.js';
import { ENV } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';

describe('cancelQueuedRunsOfGroup', () => {
  it("ends every queued run of the group Cancelled (GroupDeleted) and leaves running runs and other groups' runs", async () => {
    const ports = runPorts();
    for (let i = 0; i < 60; i++) await seedRun(ports, `queued-${i}`, GROUP_ID, 'user');
    await seedRun(ports, 'running', GROUP_ID, 'user', { state: 'Running', botId: 'bot-1' });
    await seedRun(ports, 'elsewhere', 'bbbbbbbb-0000-4000-8000-000000000002', 'user');
    expect(await cancelQueuedRunsOfGroup(ports, ENV, GROUP_ID)).toBe(60);
    const runs = ports.runs.docs.ofType<RunDocument>(ENV, 'run');
    expect(runs.filter((r) => r.state === 'Cancelled').every((r) => r.error?.code === RUN_ERROR_CODES.groupDeleted)).toBe(true);
    expect(runs.filter((r) => r.state !== 'Cancelled').map((r) => r.id)).toEqual(['running', 'elsewhere']);
  });
});
