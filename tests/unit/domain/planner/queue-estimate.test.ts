import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATS } from '../../../../domain/planner/group-stats.js';
import { NO_BOT_YET, queueEstimates, type QueueEstimateInput } from '../../../../domain/planner/queue-estimate.js';

const NOW = '2026-03-02T09:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const ago = (minutes: number) => new Date(NOW_MS - minutes * 60_000).toISOString();
const minutesFromNow = (iso: string | null) => (iso === null ? null : (Date.parse(iso) - NOW_MS) / 60_000);
const stats = { ...EMPTY_STATS, provisionMs: [8 * 60_000], runMs: [10 * 60_000], runMsByFlow: { slow: [30 * 60_000], fast: [2 * 60_000] } };
const base: QueueEstimateInput = { now: NOW, queued: [], queuedAhead: 0, bots: [], stats, defaultProvisionMinutes: 10 };
const runs = (...flows: string[]) => flows.map((f, i) => ({ id: `r${i + 1}`, desktopFlowId: f }));

describe('expectedStartAt of the queue view', () => {
  it('an idle bot starts the first run now, the next when the busy bot’s run (typical for its flow) ends', () => {
    const estimates = queueEstimates({
      ...base,
      queued: runs('fast', 'fast'),
      bots: [
        { state: 'Ready', since: ago(1), createdAt: ago(60) },
        { state: 'Busy', since: ago(5), createdAt: ago(60), runFlowId: 'slow' },
      ],
    });
    expect(estimates.map((e) => minutesFromNow(e.expectedStartAt))).toEqual([0, 2]);
  });

  it('a provisioning bot is up its learned provisioning time after it was created', () => {
    const [e] = queueEstimates({ ...base, queued: runs('fast'), bots: [{ state: 'Provisioning', since: ago(3), createdAt: ago(3) }] });
    expect(minutesFromNow(e?.expectedStartAt ?? null)).toBe(5);
  });

  it('runs ahead on earlier pages take their turn with the group’s typical run', () => {
    const [e] = queueEstimates({ ...base, queued: runs('fast'), queuedAhead: 2, bots: [{ state: 'Ready', since: ago(1), createdAt: ago(60) }] });
    expect(minutesFromNow(e?.expectedStartAt ?? null)).toBe(20);
  });

  it('null with the controller’s reason when no bot will come, with no-bot-yet before it has acted, and for a group in maintenance', () => {
    expect(queueEstimates({ ...base, queued: runs('fast'), unservedReason: 'group-at-max-bots' })).toEqual([
      { id: 'r1', expectedStartAt: null, reason: 'group-at-max-bots' },
    ]);
    expect(queueEstimates({ ...base, queued: runs('fast') })).toEqual([{ id: 'r1', expectedStartAt: null, reason: NO_BOT_YET }]);
    expect(
      queueEstimates({ ...base, queued: runs('fast'), bots: [{ state: 'Ready', since: ago(1), createdAt: ago(9) }], blocked: 'group-in-maintenance' })[0]
        ?.reason,
    ).toBe('group-in-maintenance');
  });

  it('ignores bots that are leaving or draining', () => {
    const [e] = queueEstimates({
      ...base,
      queued: runs('fast'),
      bots: [
        { state: 'Ready', since: ago(1), createdAt: ago(9), releaseRequested: true },
        { state: 'Ready', since: ago(1), createdAt: ago(9), drainRequested: true },
      ],
    });
    expect(e?.expectedStartAt).toBeNull();
  });

  it('never before now, and in dispatch order never earlier than a run ahead of it', () => {
    const bot = fc.record({
      state: fc.constantFrom('Ready' as const, 'Busy' as const, 'Provisioning' as const, 'Draining' as const, 'Failed' as const),
      sinceMinutes: fc.integer({ min: 0, max: 600 }),
      runFlowId: fc.option(fc.constantFrom('slow', 'fast', 'unknown'), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(bot, { maxLength: 12 }),
        fc.array(fc.constantFrom('slow', 'fast', 'new'), { maxLength: 40 }),
        fc.integer({ min: 0, max: 30 }),
        (bots, flows, ahead) => {
          const estimates = queueEstimates({
            ...base,
            queuedAhead: ahead,
            queued: runs(...flows),
            bots: bots.map((b) => ({
              state: b.state,
              since: ago(b.sinceMinutes),
              createdAt: ago(b.sinceMinutes),
              ...(b.runFlowId === undefined ? {} : { runFlowId: b.runFlowId }),
            })),
          });
          expect(estimates.map((e) => e.id)).toEqual(runs(...flows).map((r) => r.id));
          let previous = NOW_MS;
          for (const e of estimates) {
            if (e.expectedStartAt === null) continue;
            const t = Date.parse(e.expectedStartAt);
            expect(t).toBeGreaterThanOrEqual(NOW_MS);
            expect(t).toBeGreaterThanOrEqual(previous);
            previous = t;
          }
        },
      ),
    );
  });
});
