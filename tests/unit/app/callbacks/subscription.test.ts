import { beforeEach, describe, expect, it } from 'vitest';
import { ended, type RunDocument } from '../../../../domain/run.js';
import type { RunCallback } from '../../../../domain/run-callback.js';
import { subscribeRunCallback, unsubscribeRunCallback } from '../../../../app/callbacks/subscription.js';
import { loseNextReplace } from '../../../support/fakes/racing-writes.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const HOOK = 'https://203.0.113.10/hooks/run-ended?sig=abc';
const LATER = new Date(Date.parse(NOW) + 60_000).toISOString();

const submitter = userPrincipal('maker');
let ports: RunPorts;

const stored = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;
const withCallback = (callback: RunCallback) => seedRun(ports, RUN_ID, GROUP_ID, 'maker', { callback });

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'outsider', ['BasicUser']);
  // owned by 'owner'; 'user' may run on it but not manage it
  await seedGroup(ports, GROUP_ID, 'pw', { shares: [{ userId: 'user', permission: 'User' }] });
});

describe('subscribeRunCallback', () => {
  it('sets a Pending callback with no attempts on the run, stamped now', async () => {
    const before = await seedRun(ports, RUN_ID, GROUP_ID, 'maker');
    ports.clock.advance(60_000);
    const saved = await subscribeRunCallback(ports, submitter, ENV, RUN_ID, HOOK);
    expect(saved.callback).toEqual({ url: HOOK, state: 'Pending', attempts: 0 });
    expect(saved.updatedAt).toBe(LATER);
    expect(saved.etag).not.toBe(before.etag);
    expect(await stored()).toMatchObject({ etag: saved.etag, callback: { url: HOOK, state: 'Pending' } });
  });

  it('replaces an earlier callback, its attempts and last answer dropped', async () => {
    await withCallback({ url: 'https://203.0.113.99/old', state: 'Failed', attempts: 7, lastStatus: 500, lastAttemptAt: NOW });
    await subscribeRunCallback(ports, submitter, ENV, RUN_ID, HOOK);
    expect((await stored()).callback).toEqual({ url: HOOK, state: 'Pending', attempts: 0 });
  });

  it('is for who may control the run: the group owner may; a user of the group gets 403, a member who cannot see the run 404', async () => {
    const before = await seedRun(ports, RUN_ID, GROUP_ID, 'maker');
    await expect(subscribeRunCallback(ports, userPrincipal('user'), ENV, RUN_ID, HOOK)).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(subscribeRunCallback(ports, userPrincipal('outsider'), ENV, RUN_ID, HOOK)).rejects.toMatchObject({ code: 'NotFound' });
    expect((await stored()).etag).toBe(before.etag);
    expect((await subscribeRunCallback(ports, userPrincipal('owner'), ENV, RUN_ID, HOOK)).callback?.state).toBe('Pending');
  });

  it('refuses a URL the settings do not allow (400 callbackUrl) and writes nothing', async () => {
    const before = await seedRun(ports, RUN_ID, GROUP_ID, 'maker');
    await expect(subscribeRunCallback(ports, submitter, ENV, RUN_ID, 'http://203.0.113.10/hook')).rejects.toMatchObject({
      code: 'ValidationFailed',
      options: { errors: [{ field: 'callbackUrl' }] },
    });
    expect((await stored()).etag).toBe(before.etag);
  });

  it('404 for a run that does not exist', async () => {
    await expect(subscribeRunCallback(ports, submitter, ENV, RUN_ID, HOOK)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('on a lost race keeps the other write (the run ended meanwhile) and sets the callback on top of it', async () => {
    await seedRun(ports, RUN_ID, GROUP_ID, 'maker');
    loseNextReplace<RunDocument>(ports.runs.docs, ENV, RUN_ID, (current) => ended(current, 'Succeeded', {}, ports.now()));
    const saved = await subscribeRunCallback(ports, submitter, ENV, RUN_ID, HOOK);
    expect(saved).toMatchObject({ state: 'Succeeded', callback: { url: HOOK, state: 'Pending', attempts: 0 } });
    expect((await stored()).etag).toBe(saved.etag);
  });
});

describe('unsubscribeRunCallback', () => {
  it('turns a Pending callback Unsubscribed, its attempts kept, stamped now', async () => {
    await withCallback({ url: HOOK, state: 'Pending', attempts: 2, lastStatus: 503, lastAttemptAt: NOW });
    ports.clock.advance(60_000);
    const saved = await unsubscribeRunCallback(ports, submitter, ENV, RUN_ID);
    expect(saved.callback).toEqual({ url: HOOK, state: 'Unsubscribed', attempts: 2, lastStatus: 503, lastAttemptAt: NOW });
    expect(saved.updatedAt).toBe(LATER);
    expect((await stored()).etag).toBe(saved.etag);
  });

  it('404 Callback when the run has none', async () => {
    await seedRun(ports, RUN_ID, GROUP_ID, 'maker');
    await expect(unsubscribeRunCallback(ports, submitter, ENV, RUN_ID)).rejects.toMatchObject({ code: 'NotFound', detail: 'Callback was not found.' });
  });

  it('leaves a callback no longer Pending as it is, writing nothing (unsubscribing again is harmless)', async () => {
    for (const state of ['Delivered', 'Unsubscribed', 'Failed'] as const) {
      await ports.runs.docs.delete(ENV, RUN_ID);
      const before = await withCallback({ url: HOOK, state, attempts: 1 });
      const saved = await unsubscribeRunCallback(ports, submitter, ENV, RUN_ID);
      expect(saved.callback?.state).toBe(state);
      expect((await stored()).etag).toBe(before.etag);
    }
  });

  it('lets a delivery that lands between its read and its write stand: the callback stays Delivered', async () => {
    await withCallback({ url: HOOK, state: 'Pending', attempts: 0 });
    loseNextReplace<RunDocument>(ports.runs.docs, ENV, RUN_ID, (current) => ({
      ...current,
      callback: { ...current.callback!, state: 'Delivered', attempts: 1 },
    }));
    const saved = await unsubscribeRunCallback(ports, submitter, ENV, RUN_ID);
    expect(saved.callback).toMatchObject({ state: 'Delivered', attempts: 1 });
    expect((await stored()).callback?.state).toBe('Delivered');
  });

  it('is for who may control the run (403 for a user of the group)', async () => {
    await withCallback({ url: HOOK, state: 'Pending', attempts: 0 });
    await expect(unsubscribeRunCallback(ports, userPrincipal('user'), ENV, RUN_ID)).rejects.toMatchObject({ code: 'Forbidden' });
    expect((await stored()).callback?.state).toBe('Pending');
  });
});
