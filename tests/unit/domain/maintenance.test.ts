import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOT_STATES, type BotState } from '../../../domain/bot.js';
import {
  inactivityVerdict,
  isLostWithoutVm,
  isOrphanVm,
  lastRunActivity,
  staleReservations,
  unchangedSince,
  wantsController,
} from '../../../domain/maintenance.js';

const DAY = 86_400_000;
const CREATED = '2026-01-01T00:00:00.000Z';
const at = (days: number) => new Date(Date.parse(CREATED) + days * DAY);
const aGroup = (overrides: Partial<Parameters<typeof inactivityVerdict>[0]> = {}) => ({
  status: 'active' as const,
  committedBots: 0,
  createdAt: CREATED,
  ...overrides,
});

describe('inactivity', () => {
  it.each([
    ['never ran, 28 days after creation', aGroup(), 0, 28, true],
    ['never ran, a moment before 28 days', aGroup(), 0, 27.999, false],
    ['last run 27 days ago', aGroup({ lastRunStartedAt: at(10).toISOString() }), 0, 37, false],
    ['last run 28 days ago', aGroup({ lastRunStartedAt: at(10).toISOString() }), 0, 38, true],
    ['committed bots', aGroup({ committedBots: 1 }), 0, 400, false],
    ['a run in progress', aGroup(), 1, 400, false],
    ['already deleted', aGroup({ status: 'deleted' }), 0, 400, false],
    [
      'brought back 27 days ago after a last run 100 days ago',
      aGroup({ lastRunStartedAt: at(0).toISOString(), reactivatedAt: at(73).toISOString() }),
      0,
      100,
      false,
    ],
    ['brought back 28 days ago, no run since', aGroup({ reactivatedAt: at(72).toISOString() }), 0, 100, true],
  ])('%s → inactive %s', (_what, group, running, days, inactive) => {
    expect(inactivityVerdict(group, running, at(days), 28).inactive).toBe(inactive);
  });

  it('measures from the last run start, or from creation when none ever ran', () => {
    expect(lastRunActivity(aGroup())).toBe(CREATED);
    expect(lastRunActivity(aGroup({ lastRunStartedAt: '2026-02-01T00:00:00.000Z' }))).toBe('2026-02-01T00:00:00.000Z');
  });

  it('starts over from a reactivation, unless a run started later', () => {
    expect(lastRunActivity(aGroup({ reactivatedAt: '2026-03-01T00:00:00.000Z' }))).toBe('2026-03-01T00:00:00.000Z');
    expect(lastRunActivity(aGroup({ lastRunStartedAt: '2026-04-01T00:00:00.000Z', reactivatedAt: '2026-03-01T00:00:00.000Z' }))).toBe(
      '2026-04-01T00:00:00.000Z',
    );
  });

  it('says why, with the limit', () => {
    const verdict = inactivityVerdict(aGroup(), 0, at(30), 28);
    expect(verdict.inactive && verdict.reason).toMatch(/since 2026-01-01T00:00:00.000Z \(inactivity limit: 28 days\)/);
  });

  it('never finds a group with committed bots inactive, whatever the clock and the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.double({ min: 0.001, max: 365, noNaN: true }),
        (committedBots, days, limit) => {
          expect(inactivityVerdict(aGroup({ committedBots }), 0, at(days), limit).inactive).toBe(false);
        },
      ),
    );
  });
});

describe('orphans and lost bots', () => {
  const verdicts = (rule: (b: { state: BotState }) => boolean) => BOT_STATES.filter((state) => rule({ state }));

  it('a VM is an orphan when no bot owns it: no record, or a Deleted or Failed one', () => {
    expect(isOrphanVm(undefined)).toBe(true);
    expect(verdicts(isOrphanVm)).toEqual(['Deleted', 'Failed']);
  });

  it('a bot without its VM is lost only once provisioned and not being torn down', () => {
    expect(verdicts(isLostWithoutVm)).toEqual(['Ready', 'Busy', 'Draining']);
  });

  it('no state is both: an orphan VM never belongs to a bot that needs it', () => {
    for (const state of BOT_STATES) expect(isOrphanVm({ state }) && isLostWithoutVm({ state })).toBe(false);
  });

  it('acts on a bot only if nothing happened to it between the two reads', () => {
    const before = { state: 'Ready' as const, since: CREATED };
    expect(unchangedSince(before, { ...before })).toBe(true);
    expect(unchangedSince(before, undefined)).toBe(false);
    expect(unchangedSince(before, { state: 'Deprovisioning', since: CREATED })).toBe(false);
    expect(unchangedSince(before, { state: 'Ready', since: at(1).toISOString() })).toBe(false);
  });
});

describe('which environments the orphan sweep keeps a controller for', () => {
  const uncommitted = { a: { committedBots: 0 }, b: { committedBots: 0 } };

  it('one with a bot in any state but Deleted or Failed', () => {
    expect(BOT_STATES.filter((state) => wantsController([{ state }], uncommitted))).toEqual(BOT_STATES.filter((s) => s !== 'Deleted' && s !== 'Failed'));
  });

  it('one with a group promised committed bots, even with no bot yet (no run was ever submitted there)', () => {
    expect(wantsController([], { ...uncommitted, c: { committedBots: 1 } })).toBe(true);
    expect(wantsController([{ state: 'Deleted' }], uncommitted)).toBe(false);
    expect(wantsController([], {})).toBe(false);
  });
});

describe('ledger reservations', () => {
  const entry = (reservedAt?: string) => ({ name: 'g', committedBots: 0, maxBots: 1, ...(reservedAt ? { reservedAt } : {}) });

  it('removes entries without a document once past the grace, and never one whose group exists', () => {
    const now = at(1);
    const ledger = {
      fresh: entry(new Date(now.getTime() - 30 * 60_000).toISOString()),
      old: entry(new Date(now.getTime() - 61 * 60_000).toISOString()),
      legacy: entry(),
      live: entry(CREATED),
    };
    expect(staleReservations(ledger, new Set(['live']), now).sort()).toEqual(['legacy', 'old']);
  });
});
