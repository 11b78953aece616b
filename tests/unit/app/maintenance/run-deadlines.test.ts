import { beforeEach, describe, expect, it } from 'vitest';
import { MAINTENANCE_ACTION } from '../../../../domain/maintenance.js';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { sweepRunDeadlines, type RunDeadlinePorts } from '../../../../app/maintenance/run-deadlines.js';
import { maintenancePorts, seedRunIn, type MaintenancePorts } from '../../../support/fakes/maintenance-ports.js';
import { pagedRunQueries } from '../../../support/fakes/paged-run-queries.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const MINUTE = 60_000;

let ports: MaintenancePorts;

const runOf = async (id: string) => (await ports.runs.docs.get<RunDocument>(ENV, id))!;
const after = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
const running = (id: string, timeoutMinutes: number) =>
  seedRunIn(ports, id, G1, { state: 'Running', botId: `bot-${id}`, startedAt: NOW, attempt: 1, timeoutMinutes });

beforeEach(() => {
  ports = maintenancePorts();
});

describe('sweepRunDeadlines', () => {
  it('ends a run queued longer than QUEUED_RUN_TIMEOUT_MINUTES TimedOut (NoCandidateMachine), asking only for runs queued before the cutoff', async () => {
    await seedRunIn(ports, 'old', G1);
    await seedRunIn(ports, 'young', G1, { queuedAt: after(10 * MINUTE) });
    ports.clock.advance(ports.config.QUEUED_RUN_TIMEOUT_MINUTES * MINUTE);
    const report = await sweepRunDeadlines(ports);
    expect(report).toMatchObject({ sweep: 'runDeadlines', environments: 1, skipped: 0 });
    expect(report.actions.map((a) => [a.action, a.reason, a.runId, a.groupId])).toEqual([['runTimedOut', 'NoCandidateMachine', 'old', G1]]);
    expect(report.actions[0]?.detail).toBe('Run old passed its deadline while Queued; ended TimedOut (NoCandidateMachine).');
    expect(await runOf('old')).toMatchObject({ state: 'TimedOut', error: { code: 'NoCandidateMachine' } });
    expect((await runOf('young')).state).toBe('Queued');
    expect(ports.runs.searches).toEqual([{ state: 'Queued', to: NOW }, { state: 'Running' }]);
  });

  it('ends a run running past its own timeoutMinutes TimedOut (RunTimeout), telling its bot to stop; others keep running', async () => {
    await running('short', 30);
    await running('long', 120);
    ports.clock.advance(60 * MINUTE);
    const { actions } = await sweepRunDeadlines(ports);
    expect(actions.map((a) => [a.reason, a.runId])).toEqual([['RunTimeout', 'short']]);
    expect(await runOf('short')).toMatchObject({ state: 'TimedOut', cancelRequested: true, error: { code: 'RunTimeout' } });
    expect((await runOf('long')).state).toBe('Running');
    expect(ports.botStore.ofType(ENV, MAINTENANCE_ACTION)).toHaveLength(1);
  });

  it('reads every page of both queries, in every environment', async () => {
    for (const id of ['q1', 'q2', 'q3']) await seedRunIn(ports, id, G1);
    for (const id of ['r1', 'r2']) await running(id, 30);
    ports.environments.push('other-env');
    ports.clock.advance(ports.config.QUEUED_RUN_TIMEOUT_MINUTES * MINUTE);
    const deps: RunDeadlinePorts = { ...ports, runs: { docs: ports.runs.docs, queries: pagedRunQueries(ports.runs.queries, 1) } };
    const report = await sweepRunDeadlines(deps);
    expect(report.environments).toBe(2);
    expect(report.actions.map((a) => a.runId).sort()).toEqual(['q1', 'q2', 'q3', 'r1', 'r2']);
  });

  it('leaves a run a bot claimed between the query and the write, logging nothing', async () => {
    await seedRunIn(ports, 'old', G1);
    ports.clock.advance(ports.config.QUEUED_RUN_TIMEOUT_MINUTES * MINUTE);
    const search = ports.runs.queries.search;
    ports.runs.queries.search = async (environmentId, filter, page) => {
      const found = await search(environmentId, filter, page);
      const run = await runOf('old');
      if (run.state === 'Queued') await ports.runs.docs.replace(claimedBy(run, 'bot-1', ports.now()), run.etag);
      return found;
    };
    expect((await sweepRunDeadlines(ports)).actions).toEqual([]);
    expect(await runOf('old')).toMatchObject({ state: 'Running', botId: 'bot-1' });
  });

  it('ends a run once when two sweeps run at the same time (no lease: the write is conditional)', async () => {
    await seedRunIn(ports, 'old', G1);
    ports.clock.advance(ports.config.QUEUED_RUN_TIMEOUT_MINUTES * MINUTE);
    const reports = await Promise.all([sweepRunDeadlines(ports), sweepRunDeadlines(ports)]);
    expect(reports.flatMap((r) => r.actions).map((a) => a.runId)).toEqual(['old']);
    expect(ports.botStore.ofType(ENV, MAINTENANCE_ACTION)).toHaveLength(1);
  });

  it('fails when the action log cannot be written, the run it ended staying ended', async () => {
    await seedRunIn(ports, 'old', G1);
    ports.clock.advance(ports.config.QUEUED_RUN_TIMEOUT_MINUTES * MINUTE);
    ports.botStore.failCreateOf = MAINTENANCE_ACTION;
    await expect(sweepRunDeadlines(ports)).rejects.toThrow('the store is down');
    expect((await runOf('old')).state).toBe('TimedOut');
  });
});
