import { beforeEach, describe, expect, it } from 'vitest';
import type { RunDocument } from '../../../../domain/run.js';
import { claimNextRun, readForClaim, type ClaimPorts, type ClaimReadPorts } from '../../../../app/runs/claim.js';
import { MemoryDispatchGates } from '../../../support/memory-dispatch-gates.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, seedEnvironment, seedGroup } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const FIRST = 'aaaaaaaa-0000-4000-8000-000000000001';
const SECOND = 'aaaaaaaa-0000-4000-8000-000000000002';
let ports: RunPorts & { dispatchGates: MemoryDispatchGates };

/** The agent's claim: it holds the wake-up itself. */
const claim = (botId: string, deps: ClaimPorts = ports) => claimNextRun(deps, { environmentId: ENV, groupId: GROUP_ID, botId, receive: false });
const stored = async (id: string) => (await ports.runs.docs.get<RunDocument>(ENV, id))!;

beforeEach(async () => {
  ports = { ...runPorts(), dispatchGates: new MemoryDispatchGates() };
  await seedEnvironment(ports.store);
  await seedGroup(ports, GROUP_ID, 'pw');
});

describe('claimNextRun', () => {
  it('assigns the first queued run in dispatch order to the bot, Running', async () => {
    await seedRun(ports, FIRST, GROUP_ID, 'u');
    ports.clock.advance(1_000);
    await seedRun(ports, SECOND, GROUP_ID, 'u', { queuedAt: ports.now().toISOString() });
    const result = await claim('bot-1');
    expect(result).toMatchObject({ run: { id: FIRST, state: 'Running', botId: 'bot-1' } });
    expect(await stored(FIRST)).toMatchObject({ state: 'Running', botId: 'bot-1', attempt: 1 });
    expect((await stored(SECOND)).state).toBe('Queued');
  });

  it('answers a retried claim of the same bot with the run it holds (resumed), assigning nothing new', async () => {
    await seedRun(ports, FIRST, GROUP_ID, 'u');
    await seedRun(ports, SECOND, GROUP_ID, 'u');
    const first = await claim('bot-1');
    const again = await claim('bot-1');
    expect(again).toEqual({ run: 'run' in first ? first.run : undefined, resumed: true });
    expect((await stored(SECOND)).state).toBe('Queued');
  });

  it('says QueueEmpty when nothing is queued', async () => {
    expect(await claim('bot-1')).toEqual({ none: 'QueueEmpty' });
  });

  it('refuses while the group is in maintenance or the switch is off, leaving the run queued', async () => {
    await seedRun(ports, FIRST, GROUP_ID, 'u');
    const group = (await ports.store.get(ENV, GROUP_ID))!;
    await ports.store.replace({ ...group, maintenance: true }, group.etag);
    expect(await claim('bot-1')).toEqual({ none: 'GroupInMaintenance' });
    const env = (await ports.store.get(ENV, ENV))!;
    await ports.store.replace({ ...env, hostedRpaEnabled: false }, env.etag);
    expect(await claim('bot-1')).toEqual({ none: 'HostedRpaDisabled' });
    expect((await stored(FIRST)).state).toBe('Queued');
  });

  it('assigns nothing while the dispatch gate is closed (DispatchPaused)', async () => {
    await seedRun(ports, FIRST, GROUP_ID, 'u');
    await ports.dispatchGates.close(ENV, GROUP_ID, 'maintenance');
    expect(await claim('bot-1')).toEqual({ none: 'DispatchPaused' });
    expect((await stored(FIRST)).state).toBe('Queued');
  });

  it('puts the run back as it was when the gate closed between its read and the assignment', async () => {
    await seedRun(ports, FIRST, GROUP_ID, 'u');
    const before = await stored(FIRST);
    // the confirm sees a gate that moved on since the claim read it
    const gates = ports.dispatchGates;
    const deps: ClaimPorts = { ...ports, dispatchGates: { read: (e, g) => gates.read(e, g), open: (e, g) => gates.open(e, g), confirm: async () => false } };
    expect(await claim('bot-1', deps)).toEqual({ none: 'DispatchPaused' });
    expect(await stored(FIRST)).toMatchObject({ state: 'Queued', attempt: before.attempt, queuedAt: before.queuedAt });
  });
});

describe('readForClaim', () => {
  it('sends its five reads out together, before any answers (the dispatch hot path)', async () => {
    let started = 0;
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const held =
      <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        started++;
        await answered;
        return read(...args);
      };
    const { store, runs, dispatchGates } = ports;
    const deps: ClaimReadPorts = {
      store: Object.assign(Object.create(store) as typeof store, { get: held((environmentId: string, id: string) => store.get(environmentId, id)) }),
      runs: { docs: runs.docs, queries: { ...runs.queries, runningOn: held(runs.queries.runningOn), nextQueued: held(runs.queries.nextQueued) } },
      dispatchGates: {
        read: held((environmentId: string, groupId: string) => dispatchGates.read(environmentId, groupId)),
        open: dispatchGates.open,
        confirm: dispatchGates.confirm,
      },
    };
    const reads = readForClaim(deps, { environmentId: ENV, groupId: GROUP_ID, botId: 'bot-1', receive: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(5);
    release();
    expect(await reads).toMatchObject({ env: { id: ENV }, group: { id: GROUP_ID }, held: undefined, candidates: [] });
  });
});
