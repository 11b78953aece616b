import { expect } from 'vitest';
import type { AppClients } from '../../composition/root/clients.js';
import { dispatchKeyOf } from '../../domain/run.js';
import { claimNextRun } from '../../app/runs/claim.js';
import type { RunWorld, SubmittedRun } from './run-fixtures.js';

export interface Claimed {
  runId: string;
  startedAt: string;
  claimer: number;
  /** index in the order claims returned, across all claimers */
  returned: number;
}

export interface ClaimRace {
  claims: Claimed[];
  /** claims that found a message but no queued run (duplicates, stale wake-ups) */
  nothingQueued: number;
  contention: number;
}

/**
 * `claimers` concurrent claim loops over one group, as that many bots would run them; each claim is for a fresh
 * bot id. A loop stops when its queue has no message for it (`QueueEmpty`).
 */
export async function raceClaimers(deps: AppClients, world: Pick<RunWorld, 'envId' | 'groupId'>, claimers: number): Promise<ClaimRace> {
  const claims: Claimed[] = [];
  let nothingQueued = 0;
  let contention = 0;
  await Promise.all(
    Array.from({ length: claimers }, async (_, claimer) => {
      for (let n = 1; ; n++) {
        const result = await claimNextRun(deps, { environmentId: world.envId, groupId: world.groupId, botId: `bot-${claimer}-${n}`, waitMs: 250 });
        if ('run' in result) {
          claims.push({ runId: result.run.id, startedAt: result.run.startedAt ?? '', claimer, returned: claims.length });
          continue;
        }
        if (result.none === 'QueueEmpty') return;
        if (result.none === 'NothingQueued') nothingQueued++;
        else if (result.none === 'Contention') contention++;
        else throw new Error(`unexpected refusal ${result.none}`);
      }
    }),
  );
  return { claims, nothingQueued, contention };
}

/** The runs in the order the claim query serves them (by their dispatch key), as submitted. */
export function dispatchOrder(runs: SubmittedRun[]): string[] {
  return runs
    .map((r) => ({ id: r.id, key: dispatchKeyOf({ id: r.id, state: 'Queued', priority: r.priority, queuedAt: r.queuedAt }) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.id);
}

/**
 * The assertions shared by the concurrency tests:
 * - every run claimed exactly once, none lost, nothing else claimed;
 * - order: the bound of best-effort FIFO here is 0 positions in start order. When the queue is filled before the
 *   claimers start, a claimer only takes a run after every run ahead of it is taken (it tries candidates in order
 *   and moves on only after losing one), and each claim stamps `startedAt` just before its conditional write, so
 *   `startedAt` never decreases along the dispatch order (ties within a millisecond allowed).
 * Answers how far the order in which claims *returned* strays from the dispatch order (informative: returns
 * interleave while other claims complete their messages).
 */
export function expectExactlyOnceInOrder(runs: SubmittedRun[], race: ClaimRace): { maxReturnDisplacement: number } {
  const claimedIds = race.claims.map((c) => c.runId);
  expect(new Set(claimedIds).size, 'no run claimed twice').toBe(claimedIds.length);
  expect([...claimedIds].sort(), 'every run claimed, nothing else').toEqual(runs.map((r) => r.id).sort());

  const order = dispatchOrder(runs);
  const startedAt = new Map(race.claims.map((c) => [c.runId, c.startedAt]));
  const inversions: string[] = [];
  for (let i = 1; i < order.length; i++) {
    const before = startedAt.get(order[i - 1] ?? '') ?? '';
    const after = startedAt.get(order[i] ?? '') ?? '';
    if (after < before) inversions.push(`#${i}: ${after} < ${before}`);
  }
  expect(inversions, 'startedAt never decreases along the dispatch order').toEqual([]);

  const position = new Map(order.map((id, i) => [id, i]));
  const maxReturnDisplacement = Math.max(...race.claims.map((c) => Math.abs((position.get(c.runId) ?? 0) - c.returned)));
  return { maxReturnDisplacement };
}
