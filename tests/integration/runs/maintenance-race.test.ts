import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../../composition/root/clients.js';
import type { RunDocument } from '../../../domain/run.js';
import { AppError } from '../../../domain/errors/app-error.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { updateEnvironment } from '../../../app/environments.js';
import { updateGroup } from '../../../app/groups/update-group.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { createRunWorld, inProcessServices, sleep, submitManyInProcess } from '../../support/run-fixtures.js';
import { scaled } from '../../support/test-scale.js';

// Maintenance is toggled on and off, many times, while runs are submitted and claimed by concurrent claimers (what
// bots' claims do), through the real services and SDKs on the local cloud. The judge is the group's own versions: each
// toggle's version carries the time it was written (`updatedAt`), and no run may have started (`startedAt`, as it
// stands in Cosmos at the end) inside a window between a maintenance-on version and the next maintenance-off one.

const TOGGLES = scaled(10, 25);
const CLAIMERS = 6;
const RUNS = scaled(80, 200);
const SWITCH_TOGGLES = scaled(6, 12);
const SWITCH_RUNS = scaled(40, 100);

let admin: ApiClient;
let deps: AppClients;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
});

afterAll(async () => {
  await deps?.queues.close();
});

const jitter = () => sleep(2 + Math.floor(Math.random() * 20));

/** An edit that lost a race with another write of the same document (the claims' hourly touch) is made again, as a client would. */
async function retriedOnStale<T>(edit: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await edit();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'PreconditionFailed') throw err;
    }
  }
}

type Toggle = (on: boolean) => Promise<string>;

/** Toggles dispatch off and on while runs are submitted and claimed; every claimed run with its start, and the windows. */
async function race(world: Awaited<ReturnType<typeof createRunWorld>>, toggle: Toggle, toggles: number, runs: number) {
  const windows: Array<{ on: string; off: string }> = [];
  const started = new Map<string, string>();
  let paused = 0;
  let togglesDone = false;
  let submitted = 0;
  const toggler = (async () => {
    for (let i = 0; i < toggles; i++) {
      const on = await toggle(true);
      await jitter();
      windows.push({ on, off: await toggle(false) });
      await jitter();
    }
    togglesDone = true;
  })();
  const submitter = (async () => {
    // a switched-off environment refuses submissions: those are tried again until accepted
    while (submitted < runs) {
      try {
        await submitManyInProcess(deps, world, 1, 1);
        submitted++;
      } catch (err) {
        if (!(err instanceof AppError) || err.options.reason !== 'HostedRpaDisabled') throw err;
        await jitter();
      }
    }
  })();
  const claimers = Array.from({ length: CLAIMERS }, async (_, claimer) => {
    for (let n = 1; !togglesDone || started.size < runs; n++) {
      const result = await claimNextRun(deps, { environmentId: world.envId, groupId: world.groupId, botId: `race-${claimer}-${n}`, waitMs: 30 });
      if ('run' in result) started.set(result.run.id, result.run.startedAt ?? '');
      else if (result.none === 'DispatchPaused') paused++;
      // an empty queue ends a claimer only once nothing more will come: the toggles and every submission are done
      if (togglesDone && submitted === runs && 'none' in result && result.none === 'QueueEmpty') return;
    }
  });
  await Promise.all([toggler, submitter, ...claimers]);
  // every assignment a claim reported stands in Cosmos, with the start it reported
  for (const [runId, startedAt] of started) {
    const run = await deps.runs.docs.get<RunDocument>(world.envId, runId);
    expect(run?.state, runId).toBe('Running');
    expect(run?.startedAt, runId).toBe(startedAt);
  }
  const inWindow = [...started].filter(([, at]) => windows.some((w) => at >= w.on && at < w.off));
  return { windows, started, paused, inWindow };
}

describe('changes that stop dispatch, racing assignments', () => {
  it('never starts a run in a window where the group was in maintenance, judged from the group versions', async () => {
    const world = await createRunWorld(admin);
    const principal = { userId: world.client.userId, name: 'admin', platformAdmin: true, isApp: false };
    const maintenance: Toggle = (on) =>
      retriedOnStale(async () => (await updateGroup(deps, principal, world.envId, world.groupId, { maintenance: on }, undefined)).group.updatedAt);
    const result = await race(world, maintenance, TOGGLES, RUNS);
    expect(result.windows).toHaveLength(TOGGLES);
    expect(result.started.size).toBe(RUNS);
    expect(result.inWindow, `runs started while the group was in maintenance (${result.paused} claims were refused or put back by the gate)`).toEqual([]);
    console.log(`maintenance race: ${TOGGLES} windows, ${result.started.size} runs started, ${result.paused} claims refused or put back by the gate`);
  }, 300_000);

  it('never starts a run while the environment switch is off, judged from the environment versions', async () => {
    const world = await createRunWorld(admin);
    const principal = { userId: world.client.userId, name: 'admin', platformAdmin: true, isApp: false };
    const switchOff: Toggle = (off) =>
      retriedOnStale(async () => (await updateEnvironment(deps, principal, world.envId, { hostedRpaEnabled: !off }, undefined)).updatedAt);
    const result = await race(world, switchOff, SWITCH_TOGGLES, SWITCH_RUNS);
    expect(result.started.size).toBe(SWITCH_RUNS);
    expect(result.inWindow, `runs started while hostedRpaEnabled was false (${result.paused} claims were refused or put back by the gate)`).toEqual([]);
    console.log(`switch race: ${SWITCH_TOGGLES} windows, ${result.started.size} runs started, ${result.paused} claims refused or put back by the gate`);
  }, 300_000);
});
