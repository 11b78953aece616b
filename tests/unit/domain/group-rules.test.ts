import { describe, expect, it } from 'vitest';
import type { EnvironmentDocument, GroupLedgerEntry } from '../../../domain/environment.js';
import {
  accountPasswordProblems,
  accountUsernameProblems,
  characterClasses,
  FORBIDDEN_USERNAME_CHARACTERS,
  groupNameKey,
  groupsOfImage,
  releaseGroup,
  reserveGroup,
  resizeGroup,
  restoreGroup,
  RESERVED_USERNAMES,
} from '../../../domain/group-rules.js';
import { AppError } from '../../../domain/errors/app-error.js';

describe('accountUsernameProblems', () => {
  it.each([['rpa-bot'], ['RpaAdmin'], ['a1'], ['svc.robot'], ['x'.repeat(20)], ['bot_01'], ['administrator2'], ['Ünïcödé']])('accepts %j', (username) => {
    expect(accountUsernameProblems(username)).toEqual([]);
  });

  it.each([
    ['', 'Must be 1..20'],
    ['x'.repeat(21), 'Must be 1..20'],
    ['robot.', 'end with "."'],
    ['.', 'end with "."'],
    ['rpa bot\t', 'control characters'],
    ['rpa\u0000', 'control characters'],
  ])('refuses %j (%s)', (username, message) => {
    expect(accountUsernameProblems(username).join(' ')).toContain(message);
  });

  it.each([...FORBIDDEN_USERNAME_CHARACTERS].map((ch) => [ch]))('refuses the character %j', (ch) => {
    const problems = accountUsernameProblems(`rpa${ch}bot`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`"${ch}"`);
  });

  it('lists Azure’s full set of reserved admin names', () => {
    expect(RESERVED_USERNAMES).toHaveLength(32);
    for (const name of [
      'administrator',
      'admin',
      'user',
      'user1',
      'test',
      'guest',
      'root',
      'owner',
      'sys',
      'server',
      'sql',
      'support',
      'support_388945a0',
      'console',
      'backup',
      '1',
      '123',
      'a',
      'actuser',
      'adm',
      'aspnet',
      'david',
      'john',
      'user5',
    ]) {
      expect(RESERVED_USERNAMES).toContain(name);
    }
  });

  it.each(RESERVED_USERNAMES.flatMap((name) => [[name], [name.toUpperCase()], [name.charAt(0).toUpperCase() + name.slice(1)]]))(
    'refuses the reserved name %j',
    (name) => {
      expect(accountUsernameProblems(name).join(' ')).toContain('reserved');
    },
  );

  it('reports every broken rule at once', () => {
    expect(accountUsernameProblems(`${'a'.repeat(20)}@.`)).toHaveLength(3);
  });
});

describe('accountPasswordProblems', () => {
  it.each([
    ['lower, upper, digit', 'abcdefGHIJ12'],
    ['lower, upper, special', 'abcdefGHIJ!?'],
    ['lower, digit, special', 'abcdef123456!'],
    ['upper, digit, special', 'ABCDEF123456 '],
    ['all four', 'Tr0ub4dor&3-horse'],
    ['123 characters', `Aa1${'x'.repeat(120)}`],
    ['non-ASCII letters and symbols', 'ÄäÖöÜü€€€€12'],
  ])('accepts %s', (_what, password) => {
    expect(accountPasswordProblems(password)).toEqual([]);
  });

  it.each([
    ['11 characters', 'Abcdefgh12!', 'Must be 12..123'],
    ['124 characters', `Aa1${'x'.repeat(121)}`, 'Must be 12..123'],
    ['only lower case', 'abcdefghijklmnop', 'three of'],
    ['lower and upper', 'abcdefGHIJKLmn', 'three of'],
    ['digits and specials', '1234567890!!', 'three of'],
    ['a control character', 'Abcdefgh12!\n', 'control characters'],
  ])('refuses %s', (_what, password, message) => {
    const problems = accountPasswordProblems(password);
    expect(problems.join(' ')).toContain(message);
    // the rules never quote the password back
    for (const problem of problems) expect(problem).not.toContain(password);
  });

  it.each([
    ['aB3$', ['lower', 'upper', 'digit', 'special']],
    ['abc', ['lower']],
    ['ß', ['lower']],
    ['É', ['upper']],
    ['٣', ['digit']],
    [' ', ['special']],
    ['漢', []],
  ])('classifies %j as %j', (text, classes) => {
    expect([...characterClasses(text)].sort()).toEqual([...classes].sort());
  });
});

describe('groupNameKey', () => {
  it.each([
    ['Invoices', 'invoices'],
    ['  INVOICES ', 'invoices'],
    ['Caf\u00e9', 'caf\u00e9'],
    ['Cafe\u0301', 'caf\u00e9'],
    ['G\u0410', 'ga'],
    ['\uff27\uff21', 'ga'],
  ])('%j → %j', (name, key) => {
    expect(groupNameKey(name)).toBe(key);
  });
});

function environment(overrides: Partial<EnvironmentDocument> = {}, groups: Record<string, GroupLedgerEntry> = {}): EnvironmentDocument {
  return {
    id: 'env',
    environmentId: 'env',
    type: 'environment',
    name: 'Env',
    geography: 'Europe',
    region: 'northeurope',
    plan: 'paid',
    capacity: 10,
    hostedRpaEnabled: true,
    createdBy: 'admin',
    ledger: { groups, imageNames: { img1: 'finance image', img2: 'hr image' } },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const entry = (name: string, committedBots = 0, maxBots = 5): GroupLedgerEntry => ({ name, committedBots, maxBots });

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (err) {
    if (err instanceof AppError) return err.options.reason ?? err.code;
    throw err;
  }
  return undefined;
}

function groupsNamed(count: number, committedBots = 0): Record<string, GroupLedgerEntry> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`g${i}`, entry(`Group ${i}`, committedBots)]));
}

describe('reserveGroup', () => {
  it.each([
    ['a first group', environment(), entry('Invoices', 2), undefined],
    ['the 10th group', environment({}, groupsNamed(9)), entry('Invoices'), undefined],
    ['an 11th group', environment({}, groupsNamed(10)), entry('Invoices'), 'GroupLimitReached'],
    ['an 11th group on a trial', environment({ plan: 'trial', capacity: 2 }, groupsNamed(10)), entry('Invoices'), 'GroupLimitReached'],
    ['the 10th group on a trial', environment({ plan: 'trial', capacity: 2 }, groupsNamed(9)), entry('Invoices', 0, 2), undefined],
    ['a name taken in another case', environment({}, { g0: entry('Invoices') }), entry(' INVOICES '), 'NameTaken'],
    ['a look-alike of a name taken (Cyrillic А in "GА" beside "GA")', environment({}, { g0: entry('GA') }), entry('G\u0410'), 'NameTaken'],
    ['a full-width form of a name taken', environment({}, { g0: entry('GA') }), entry('\uff27\uff21'), 'NameTaken'],
    ['maxBots equal to the capacity', environment({ capacity: 10 }), entry('Invoices', 0, 10), undefined],
    ['maxBots above the capacity', environment({ capacity: 10 }), entry('Invoices', 0, 11), 'MaxBotsExceedsCapacity'],
    [
      'maxBots above the capacity of a trial (its capacity, not its parallel limit of 2)',
      environment({ plan: 'trial', capacity: 3 }),
      entry('Invoices', 0, 4),
      'MaxBotsExceedsCapacity',
    ],
    ['committed bots up to capacity', environment({ capacity: 10 }, groupsNamed(2, 4)), entry('Invoices', 2), undefined],
    ['committed bots beyond capacity', environment({ capacity: 10 }, groupsNamed(2, 4)), entry('Invoices', 3), 'CommittedExceedsCapacity'],
    ['3 committed bots on a trial of capacity 5', environment({ plan: 'trial', capacity: 5 }), entry('Invoices', 3), 'CommittedExceedsCapacity'],
    ['2 committed bots on a trial', environment({ plan: 'trial', capacity: 5 }), entry('Invoices', 2), undefined],
  ])('%s → %s', (_what, env, newEntry, reason) => {
    expect(reasonOf(() => reserveGroup(env, 'new', newEntry))).toBe(reason);
  });

  it('adds the entry without touching the input', () => {
    const env = environment();
    const next = reserveGroup(env, 'new', entry('Invoices', 1, 3));
    expect(next.ledger.groups.new).toEqual(entry('Invoices', 1, 3));
    expect(env.ledger.groups).toEqual({});
  });
});

describe('the image of a ledger entry', () => {
  const withImage = (name: string, imageId: string): GroupLedgerEntry => ({ ...entry(name), imageId });

  it('refuses a group on an image that left the ledger (deleted since the request read it), and accepts one still in it', () => {
    expect(reasonOf(() => reserveGroup(environment(), 'new', withImage('Invoices', 'gone')))).toBe('Forbidden');
    expect(reasonOf(() => reserveGroup(environment(), 'new', withImage('Invoices', 'img1')))).toBeUndefined();
  });

  it('refuses an image change to an image that left the ledger, and keeps what the entry had', () => {
    const env = environment({}, { g0: { ...withImage('Invoices', 'img1'), reservedAt: '2026-01-01T00:00:00.000Z' } });
    expect(reasonOf(() => resizeGroup(env, 'g0', withImage('Invoices', 'img1'), withImage('Invoices', 'gone')))).toBe('Forbidden');
    expect(resizeGroup(env, 'g0', withImage('Invoices', 'img1'), withImage('Invoices', 'img2')).ledger.groups.g0).toEqual({
      ...withImage('Invoices', 'img2'),
      reservedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('names the groups of an image, for the image delete’s check', () => {
    const env = environment({}, { g0: withImage('A', 'img1'), g1: withImage('B', 'img2'), g2: withImage('C', 'img1'), g3: entry('D') });
    expect(groupsOfImage(env, 'img1')).toEqual(['g0', 'g2']);
    expect(groupsOfImage(env, 'img3')).toEqual([]);
  });
});

describe('resizeGroup, restoreGroup and releaseGroup', () => {
  const env = environment({ capacity: 10 }, { g0: entry('Invoices', 4), g1: entry('Payroll', 4) });

  it.each([
    ['raising committed bots within capacity', entry('Invoices', 6), undefined],
    ['raising committed bots beyond capacity', entry('Invoices', 7), 'CommittedExceedsCapacity'],
    ['renaming to another group’s name', entry('payroll', 4), 'NameTaken'],
    ['changing only the case of its own name', entry('INVOICES', 4), undefined],
    ['lowering committed bots', entry('Invoices', 0), undefined],
    ['renaming to a look-alike of another group’s name', entry('P\u0430yroll', 4), 'NameTaken'],
    ['raising maxBots to the capacity', entry('Invoices', 4, 10), undefined],
    ['raising maxBots above the capacity', entry('Invoices', 4, 11), 'MaxBotsExceedsCapacity'],
  ])('%s → %s', (_what, to, reason) => {
    expect(reasonOf(() => resizeGroup(env, 'g0', entry('Invoices', 4), to))).toBe(reason);
  });

  it('lets a group whose maxBots is above a lowered capacity be edited, and lower its maxBots, but not raise it', () => {
    const lowered = environment({ capacity: 3 }, { g0: entry('Invoices', 0, 8) });
    expect(reasonOf(() => resizeGroup(lowered, 'g0', entry('Invoices', 0, 8), entry('Invoices (EU)', 0, 8)))).toBeUndefined();
    expect(reasonOf(() => resizeGroup(lowered, 'g0', entry('Invoices', 0, 8), entry('Invoices', 0, 6)))).toBeUndefined();
    expect(reasonOf(() => resizeGroup(lowered, 'g0', entry('Invoices', 0, 8), entry('Invoices', 0, 9)))).toBe('MaxBotsExceedsCapacity');
  });

  it('refuses as stale when the entry no longer holds what the request read', () => {
    expect(reasonOf(() => resizeGroup(env, 'g0', entry('Invoices', 3), entry('Invoices', 5)))).toBe('PreconditionFailed');
    expect(reasonOf(() => resizeGroup(env, 'gone', entry('Invoices', 4), entry('Invoices', 5)))).toBe('PreconditionFailed');
  });

  it('restores only an entry that still holds the undone values', () => {
    const moved = resizeGroup(env, 'g0', entry('Invoices', 4), entry('Invoices', 6));
    expect(restoreGroup(moved, 'g0', entry('Invoices', 6), entry('Invoices', 4)).ledger.groups.g0).toEqual(entry('Invoices', 4));
    expect(restoreGroup(moved, 'g0', entry('Invoices', 5), entry('Invoices', 4)).ledger.groups.g0).toEqual(entry('Invoices', 6));
  });

  it('releases an entry, conditionally when asked', () => {
    expect(releaseGroup(env, 'g0').ledger.groups).toEqual({ g1: entry('Payroll', 4) });
    expect(releaseGroup(env, 'g0', entry('Invoices', 1)).ledger.groups.g0).toEqual(entry('Invoices', 4));
    expect(releaseGroup(env, 'missing')).toBe(env);
  });
});
