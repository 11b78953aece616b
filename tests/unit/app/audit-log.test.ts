import { describe, expect, it } from 'vitest';
import { AUDIT, auditEntryOf, auditImpliedIntentOf, auditIntentOf, impliedIntentHolds, type AuditDocument } from '../../../app/audit-log.js';

const ENV = 'env-1';
const AT = '2026-12-06T12:00:00.000Z';

type Request = Parameters<typeof auditIntentOf>[0];

/** A user's PATCH of a group, as the audit sees it before its answer; override what a test is about. */
function aRequest(overrides: Partial<Request> = {}): Request {
  return {
    id: 'entry-1',
    now: new Date(AT),
    principal: { userId: 'alice', name: 'Alice', isApp: false },
    route: { name: 'updateGroup', method: 'PATCH', route: 'environments/{env}/groups/{id}' },
    params: { env: ENV, id: 'group-1' },
    body: { maxBots: 3, account: { password: 'secret' } },
    ...overrides,
  };
}

const submitRoute = { name: 'submitRun', method: 'POST', route: 'environments/{env}/runs' };
const resubmitRoute = { name: 'resubmitRun', method: 'POST', route: 'environments/{env}/runs/{id}/resubmit' };

describe('auditEntryOf', () => {
  it('files a successful write: who, when, which route, on what, the names of the fields sent (sorted) and never their values', () => {
    const entry = auditEntryOf({ ...aRequest(), status: 200, responseBody: { id: 'group-1', maxBots: 3 } });
    expect(entry).toEqual({
      id: 'entry-1',
      environmentId: ENV,
      type: AUDIT,
      at: AT,
      actor: 'alice',
      actorName: 'Alice',
      actorIsApp: false,
      action: 'updateGroup',
      method: 'PATCH',
      route: 'environments/{env}/groups/{id}',
      targetId: 'group-1',
      changedFields: ['account', 'maxBots'],
      status: 200,
      createdAt: AT,
      updatedAt: AT,
    });
    expect(JSON.stringify(entry)).not.toContain('secret');
  });

  it('files nothing for a read or a refused or failed write', () => {
    expect(
      auditEntryOf({ ...aRequest({ route: { name: 'getGroup', method: 'GET', route: 'environments/{env}/groups/{id}' } }), status: 200, responseBody: {} }),
    ).toBeNull();
    expect(auditEntryOf({ ...aRequest(), status: 300, responseBody: {} })).toBeNull();
    expect(auditEntryOf({ ...aRequest(), status: 412, responseBody: {} })).toBeNull();
  });

  it('targets the created resource when the path names none, else the path id or member, else the environment', () => {
    const created = auditEntryOf({ ...aRequest({ params: { env: ENV } }), status: 201, responseBody: { id: 'group-new' } });
    expect(created?.targetId).toBe('group-new');
    const member = auditEntryOf({ ...aRequest({ params: { env: ENV, userId: 'bob' } }), status: 200, responseBody: { id: 'other' } });
    expect(member?.targetId).toBe('bob');
    const environment = auditEntryOf({ ...aRequest({ params: { env: ENV } }), status: 204, responseBody: undefined });
    expect(environment?.targetId).toBe(ENV);
  });

  it('targets the created resource over the path id when told so (a resubmit names the run it copies)', () => {
    const request = aRequest({ route: resubmitRoute, params: { env: ENV, id: 'run-old' }, targetsCreated: true });
    expect(auditEntryOf({ ...request, status: 201, responseBody: { id: 'run-new' } })?.targetId).toBe('run-new');
  });

  it("files an environment's creation under the created id; another write without an environment is not filed", () => {
    const creation = aRequest({ route: { name: 'createEnvironment', method: 'POST', route: 'environments' }, params: {} });
    expect(auditEntryOf({ ...creation, status: 201, responseBody: { id: 'env-new' } })).toMatchObject({ environmentId: 'env-new', targetId: 'env-new' });
    expect(auditEntryOf({ ...creation, status: 201, responseBody: [{ id: 'env-new' }] })).toBeNull();
    const elsewhere = aRequest({ route: { name: 'token', method: 'POST', route: 'tokens' }, params: {} });
    expect(auditEntryOf({ ...elsewhere, status: 201, responseBody: { id: 'x' } })).toBeNull();
  });

  it('names no fields of a body that is not an object, and leaves out a blank name, cutting a long one to 200', () => {
    const blank = aRequest({ body: ['a', 'b'], principal: { userId: 'app-1', name: '   ', isApp: true } });
    const entry = auditEntryOf({ ...blank, status: 200, responseBody: null });
    expect(entry).toMatchObject({ changedFields: [], actor: 'app-1', actorIsApp: true });
    expect(entry).not.toHaveProperty('actorName');
    expect(auditEntryOf({ ...aRequest({ body: 'text' }), status: 200, responseBody: null })?.changedFields).toEqual([]);
    const long = auditEntryOf({ ...aRequest({ principal: { userId: 'alice', name: ` ${'n'.repeat(300)} `, isApp: false } }), status: 200, responseBody: null });
    expect(long?.actorName).toBe('n'.repeat(200));
  });
});

describe('auditIntentOf', () => {
  it('files a write before it runs as unconfirmed, status 0, on the path target', () => {
    expect(auditIntentOf(aRequest())).toMatchObject({ outcome: 'unconfirmed', status: 0, targetId: 'group-1', changedFields: ['account', 'maxBots'] });
  });

  it("files nothing for a read, nor for a write with no environment yet (an environment's creation)", () => {
    expect(auditIntentOf(aRequest({ route: { name: 'getGroup', method: 'GET', route: 'environments/{env}/groups/{id}' } }))).toBeNull();
    expect(auditIntentOf(aRequest({ route: { name: 'createEnvironment', method: 'POST', route: 'environments' }, params: {} }))).toBeNull();
  });
});

describe('auditImpliedIntentOf', () => {
  it('files the success a submission will answer: its status and the id drawn for the new run, implied', () => {
    const intent = auditImpliedIntentOf({ ...aRequest({ route: submitRoute, params: { env: ENV } }), status: 201, createdId: 'run-new' });
    expect(intent).toMatchObject({ outcome: 'implied', status: 201, targetId: 'run-new', action: 'submitRun' });
  });

  it('targets the new run even where the path names the one a resubmit copies', () => {
    const intent = auditImpliedIntentOf({ ...aRequest({ route: resubmitRoute, params: { env: ENV, id: 'run-old' } }), status: 201, createdId: 'run-new' });
    expect(intent?.targetId).toBe('run-new');
  });

  it('files nothing for a read or without an environment', () => {
    expect(auditImpliedIntentOf({ ...aRequest({ route: { ...submitRoute, method: 'GET' } }), status: 200, createdId: 'x' })).toBeNull();
    expect(auditImpliedIntentOf({ ...aRequest({ route: submitRoute, params: {} }), status: 201, createdId: 'x' })).toBeNull();
  });
});

describe('impliedIntentHolds', () => {
  const request = aRequest({ route: submitRoute, params: { env: ENV } });
  const intent = auditImpliedIntentOf({ ...request, status: 201, createdId: 'run-new' })!;
  const answered = (status: number, id: string): AuditDocument => auditEntryOf({ ...request, targetsCreated: true, status, responseBody: { id } })!;

  it('holds when the answer created the run the intent names, with its status', () => {
    expect(impliedIntentHolds(intent, answered(201, 'run-new'))).toBe(true);
  });

  it('does not hold for another status, another run, or an intent that was not implied', () => {
    expect(impliedIntentHolds(intent, answered(200, 'run-new'))).toBe(false);
    expect(impliedIntentHolds(intent, answered(201, 'run-other'))).toBe(false);
    expect(impliedIntentHolds({ ...intent, outcome: 'unconfirmed' }, answered(201, 'run-new'))).toBe(false);
  });
});
