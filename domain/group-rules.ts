import { AppError } from './errors/app-error.js';
import {
  committedTotal,
  MAX_GROUPS_PER_ENVIRONMENT,
  parallelBotLimit,
  TRIAL_MAX_GROUPS,
  type EnvironmentDocument,
  type GroupLedgerEntry,
} from './environment.js';
import { nameKey } from './names.js';

// ---- the local admin account of a group's VMs -------------------------------------------------------
// Azure's rules for the admin account of a Windows VM (osProfile.adminUsername / adminPassword):
// https://learn.microsoft.com/en-us/azure/virtual-machines/windows/faq#what-are-the-username-requirements-when-creating-a-vm-
// https://learn.microsoft.com/en-us/azure/virtual-machines/windows/faq#what-are-the-password-requirements-when-creating-a-vm-

export const ACCOUNT_USERNAME_MAX_LENGTH = 20;
export const ACCOUNT_PASSWORD_MIN_LENGTH = 12;
export const ACCOUNT_PASSWORD_MAX_LENGTH = 123;

/** Characters Windows does not allow in a local account name. */
export const FORBIDDEN_USERNAME_CHARACTERS = '\\/"[]:|<>+=;,?*@&';

/** Names Azure refuses as the admin username of a Windows VM (compared without regard to case). */
export const RESERVED_USERNAMES: readonly string[] = [
  'administrator',
  'admin',
  'user',
  'user1',
  'test',
  'user2',
  'test1',
  'user3',
  'admin1',
  '1',
  '123',
  'a',
  'actuser',
  'adm',
  'admin2',
  'aspnet',
  'backup',
  'console',
  'david',
  'guest',
  'john',
  'owner',
  'root',
  'server',
  'sql',
  'support',
  'support_388945a0',
  'sys',
  'test2',
  'test3',
  'user4',
  'user5',
];

const reserved = new Set(RESERVED_USERNAMES);

function hasControlCharacter(s: string): boolean {
  return [...s].some((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f;
  });
}

/** What is wrong with a local account username, one message per broken rule; empty when it is valid. */
export function accountUsernameProblems(username: string): string[] {
  const problems: string[] = [];
  if (username.length < 1 || username.length > ACCOUNT_USERNAME_MAX_LENGTH) {
    problems.push(`Must be 1..${ACCOUNT_USERNAME_MAX_LENGTH} characters.`);
  }
  const forbidden = [...new Set([...username].filter((ch) => FORBIDDEN_USERNAME_CHARACTERS.includes(ch)))];
  if (forbidden.length > 0)
    problems.push(`Must not contain ${forbidden.map((ch) => `"${ch}"`).join(', ')} (none of ${FORBIDDEN_USERNAME_CHARACTERS} is allowed).`);
  if (hasControlCharacter(username)) problems.push('Must not contain control characters.');
  if (username.endsWith('.')) problems.push('Must not end with ".".');
  if (reserved.has(username.toLowerCase())) problems.push(`"${username}" is reserved by Azure for Windows VMs; choose another name.`);
  return problems;
}

export type CharacterClass = 'lower' | 'upper' | 'digit' | 'special';

/** The classes of characters a password uses; anything not a letter or digit counts as special. */
export function characterClasses(password: string): Set<CharacterClass> {
  const classes = new Set<CharacterClass>();
  for (const ch of password) {
    if (/\p{Ll}/u.test(ch)) classes.add('lower');
    else if (/\p{Lu}/u.test(ch)) classes.add('upper');
    else if (/\p{Nd}/u.test(ch)) classes.add('digit');
    else if (!/\p{L}/u.test(ch)) classes.add('special');
  }
  return classes;
}

/**
 * What is wrong with a local account password. The messages describe the rule only: they never quote the
 * password, since they end up in responses and logs.
 */
export function accountPasswordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < ACCOUNT_PASSWORD_MIN_LENGTH || password.length > ACCOUNT_PASSWORD_MAX_LENGTH) {
    problems.push(`Must be ${ACCOUNT_PASSWORD_MIN_LENGTH}..${ACCOUNT_PASSWORD_MAX_LENGTH} characters.`);
  }
  if (characterClasses(password).size < 3) problems.push('Must use three of: lower case letters, upper case letters, digits, special characters.');
  if (hasControlCharacter(password)) problems.push('Must not contain control characters.');
  return problems;
}

// ---- the environment ledger: limits and name uniqueness ----------------------------------------------

/**
 * Group names are unique in an environment by `nameKey`: without regard to case, Unicode form, surrounding spaces or
 * look-alike characters. Keys are computed from the ledger's names on every check, so names stored before this rule
 * take part as they are.
 */
export function groupNameKey(name: string): string {
  return nameKey(name);
}

function nameHolder(env: Pick<EnvironmentDocument, 'ledger'>, name: string, exceptGroupId?: string): string | undefined {
  const key = groupNameKey(name);
  return Object.entries(env.ledger.groups).find(([id, g]) => id !== exceptGroupId && groupNameKey(g.name) === key)?.[0];
}

export function nameTaken(name: string): AppError {
  return new AppError('NameTaken', `A group named "${name}" already exists in this environment.`, { reason: 'NameTaken' });
}

function checkCapacity(env: EnvironmentDocument, groupId: string, committedBots: number): void {
  const others = committedTotal(env, groupId);
  const limit = parallelBotLimit(env);
  if (others + committedBots > limit) {
    throw AppError.rule(
      'CommittedExceedsCapacity',
      `Groups would hold ${others + committedBots} committed bots; the environment runs at most ${limit} bots in parallel` +
        `${env.plan === 'trial' ? ' (trial plans at most 2)' : ''}, and ${Math.max(0, limit - others)} of them are not committed to other groups.`,
    );
  }
}

/**
 * A group may not be allowed more bots than the environment has (brief: "A group's maxBots may not exceed the
 * environment's capacity"; seed: "You can't go beyond the total number of bots assigned to your environment").
 * Checked against `capacity`, not the trial's parallel limit of 2: a trial group of maxBots 5 still runs 2 at most.
 * Lowering the capacity below a group's maxBots is allowed (the planner never runs more than the capacity anyway);
 * such a group keeps its maxBots until an edit raises it, which is refused while it would stay above.
 */
function checkMaxBots(env: Pick<EnvironmentDocument, 'capacity'>, maxBots: number): void {
  if (maxBots > env.capacity) {
    throw new AppError('MaxBotsExceedsCapacity', `maxBots (${maxBots}) may not exceed the environment's capacity of ${env.capacity} bots.`, {
      reason: 'MaxBotsExceedsCapacity',
    });
  }
}

/**
 * Reserves a new group in the ledger: refused when the environment already has its maximum of groups, the
 * name is taken, maxBots exceeds the environment's capacity, or the committed bots would exceed what the environment
 * may run in parallel. Pure: it may run again on a re-read environment when a concurrent change won the race.
 */
export function reserveGroup<T extends EnvironmentDocument>(env: T, groupId: string, entry: GroupLedgerEntry): T {
  const count = Object.keys(env.ledger.groups).filter((id) => id !== groupId).length;
  const max = env.plan === 'trial' ? TRIAL_MAX_GROUPS : MAX_GROUPS_PER_ENVIRONMENT;
  if (count >= max) {
    throw AppError.rule(
      'GroupLimitReached',
      `An environment${env.plan === 'trial' ? ' on a trial plan' : ''} may have at most ${max} hosted machine groups; this one has ${count}.`,
    );
  }
  if (nameHolder(env, entry.name, groupId) !== undefined) throw nameTaken(entry.name);
  checkMaxBots(env, entry.maxBots);
  checkCapacity(env, groupId, entry.committedBots);
  checkImageInLedger(env, entry.imageId);
  return { ...env, ledger: { ...env.ledger, groups: { ...env.ledger.groups, [groupId]: { ...entry } } } };
}

/**
 * The image was deleted since the request read it: an image leaves the ledger before its document goes. Answered as
 * a missing image is when its document is read (requireImageUse), whichever of the two the race reaches first.
 */
function checkImageInLedger(env: EnvironmentDocument, imageId: string | undefined): void {
  if (imageId !== undefined && env.ledger.imageNames[imageId] === undefined) throw imageUnusable(imageId);
}

/** Groups whose ledger entry names the image (what an image delete checks, in the same conditional write). */
export function groupsOfImage(env: Pick<EnvironmentDocument, 'ledger'>, imageId: string): string[] {
  return Object.entries(env.ledger.groups)
    .filter(([, entry]) => entry.imageId === imageId)
    .map(([id]) => id);
}

export function sameLedgerEntry(a: GroupLedgerEntry | undefined, b: GroupLedgerEntry): boolean {
  // an entry written before entries named their image matches any image
  return (
    a !== undefined &&
    a.name === b.name &&
    a.committedBots === b.committedBots &&
    a.maxBots === b.maxBots &&
    (a.imageId === undefined || a.imageId === b.imageId)
  );
}

/** Thrown when the ledger no longer holds what the group document said: another edit is in flight or landed. */
export function ledgerMoved(): AppError {
  return new AppError('PreconditionFailed', 'The group is being changed by another request; read it again and retry.');
}

/**
 * Moves a group's ledger entry from `from` (what the group document holds) to `to`, checking the new name, a raised
 * maxBots and the environment's capacity. Refused as stale when the entry no longer equals `from`.
 */
export function resizeGroup<T extends EnvironmentDocument>(env: T, groupId: string, from: GroupLedgerEntry, to: GroupLedgerEntry): T {
  if (!sameLedgerEntry(env.ledger.groups[groupId], from)) throw ledgerMoved();
  if (groupNameKey(to.name) !== groupNameKey(from.name) && nameHolder(env, to.name, groupId) !== undefined) throw nameTaken(to.name);
  if (to.maxBots > from.maxBots) checkMaxBots(env, to.maxBots);
  if (to.committedBots > from.committedBots) checkCapacity(env, groupId, to.committedBots);
  if (to.imageId !== from.imageId) checkImageInLedger(env, to.imageId);
  return { ...env, ledger: { ...env.ledger, groups: { ...env.ledger.groups, [groupId]: { ...env.ledger.groups[groupId], ...to } } } };
}

/** Removes a group's ledger entry; when `onlyIf` is given, only while the entry still equals it. */
export function releaseGroup<T extends EnvironmentDocument>(env: T, groupId: string, onlyIf?: GroupLedgerEntry): T {
  const entry = env.ledger.groups[groupId];
  if (entry === undefined || (onlyIf !== undefined && !sameLedgerEntry(entry, onlyIf))) return env;
  const groups = { ...env.ledger.groups };
  delete groups[groupId];
  return { ...env, ledger: { ...env.ledger, groups } };
}

/** Puts a group's ledger entry back to `to`, but only while it still holds `from` (undo after a lost write). */
export function restoreGroup<T extends EnvironmentDocument>(env: T, groupId: string, from: GroupLedgerEntry, to: GroupLedgerEntry): T {
  if (!sameLedgerEntry(env.ledger.groups[groupId], from)) return env;
  return { ...env, ledger: { ...env.ledger, groups: { ...env.ledger.groups, [groupId]: { ...env.ledger.groups[groupId], ...to } } } };
}

/** A missing image and one the caller may not see answer alike, so that image ids reveal nothing. */
export function imageUnusable(imageId: string): AppError {
  return AppError.forbidden(
    `Image ${imageId} does not exist or is not shared with you; a group needs an image you may use (User or CoOwner share, or your own).`,
  );
}
