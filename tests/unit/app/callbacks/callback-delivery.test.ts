import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../../../domain/desktop-flow.js';
import type { RunDocument } from '../../../../domain/run.js';
import type { CallbackState, RunCallback } from '../../../../domain/run-callback.js';
import { attemptCallback, type CallbackDeliveryPorts, type RunRepresentation } from '../../../../app/callbacks/callback-delivery.js';
import { signatureOf, webhookSecretName } from '../../../../app/callbacks/webhook-secret.js';
import { FlowVersionMissingError, recordFlowVersion } from '../../../../app/desktop-flows/desktop-flow-versions.js';
import { startCallbackReceiver, type CallbackReceiver } from '../../../support/fakes/callback-receiver.js';
import { loseNextReplace } from '../../../support/fakes/racing-writes.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

// The receiver listens on 127.0.0.1 in this process, so the deliveries here allow private addresses unless a test
// checks that they are refused.

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const DEFINITION: FlowDefinition = { steps: [{ output: { name: 'greeting', value: 'hello' } }] };
const ATTEMPT_AT = new Date(Date.parse(NOW) + 90_000).toISOString();
const target = { environmentId: ENV, runId: RUN_ID };

let ports: RunPorts;
let deps: CallbackDeliveryPorts;
let receiver: CallbackReceiver;
let definitionHash: string;
let represented: { runId: string; definition: FlowDefinition }[];

/** Stands in for `runResource`: a few fields of the run, and what it was given as the run's definition. */
const representationOf: RunRepresentation = (run, definition) => {
  represented.push({ runId: run.id, definition });
  return { id: run.id, state: run.state, steps: definition.steps.length };
};

const stored = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;

/** A run that ended (Succeeded unless said) with a callback to the receiver, Pending with no attempts unless said. */
function endedRun(callback: Partial<RunCallback> = {}, overrides: Partial<RunDocument> = {}) {
  return seedRun(ports, RUN_ID, GROUP_ID, 'maker', {
    state: 'Succeeded',
    endedAt: NOW,
    definitionHash,
    callback: { url: receiver.url('/hook?sig=abc'), state: 'Pending', attempts: 0, ...callback },
    ...overrides,
  });
}

beforeEach(async () => {
  receiver = await startCallbackReceiver();
  ports = runPorts();
  deps = { runs: ports.runs, store: ports.store, secrets: ports.secrets, config: { ALLOW_PRIVATE_CALLBACKS: true }, now: ports.now };
  definitionHash = await recordFlowVersion(ports, ENV, 'flow-1', 1, DEFINITION);
  represented = [];
  ports.clock.advance(90_000);
});

afterEach(() => receiver.close());

describe('attemptCallback', () => {
  it('POSTs the run’s representation signed with the environment’s webhook secret (created on first use), and records it Delivered', async () => {
    await endedRun();
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Delivered', attempts: 1 });

    const [request] = receiver.received;
    expect(receiver.received).toHaveLength(1);
    expect(request?.url).toBe('/hook?sig=abc');
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual({ id: RUN_ID, state: 'Succeeded', steps: 1 });
    expect(represented).toEqual([{ runId: RUN_ID, definition: DEFINITION }]);
    const secret = ports.secrets.latest(webhookSecretName(ENV));
    expect(secret).toBeDefined();
    expect(request?.headers).toMatchObject({
      'x-signature': signatureOf(secret!, request!.body),
      'x-run-id': RUN_ID,
      'x-delivery-id': `${RUN_ID}.1`,
      'x-delivery-attempt': '1',
      'x-timestamp': ATTEMPT_AT,
    });
    expect((await stored()).callback).toEqual({
      url: receiver.url('/hook?sig=abc'),
      state: 'Delivered',
      attempts: 1,
      lastStatus: 200,
      lastAttemptAt: ATTEMPT_AT,
    });
  });

  it('numbers the attempt after those already made, and signs with the secret the environment has', async () => {
    await ports.secrets.set(webhookSecretName(ENV), 'known-secret');
    await endedRun({ attempts: 3, lastStatus: 503 });
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Delivered', attempts: 4 });
    const [request] = receiver.received;
    expect(request?.headers).toMatchObject({
      'x-delivery-id': `${RUN_ID}.4`,
      'x-delivery-attempt': '4',
      'x-signature': signatureOf('known-secret', request!.body),
    });
    expect(ports.secrets.latest(webhookSecretName(ENV))).toBe('known-secret');
  });

  it.each<[number, boolean, CallbackState]>([
    [204, true, 'Delivered'],
    [410, false, 'Unsubscribed'],
    [410, true, 'Unsubscribed'],
    [302, false, 'Pending'],
    [503, false, 'Pending'],
    [503, true, 'Failed'],
  ])('records an answer %i (last attempt: %s) as %s, with its status', async (status, last, state) => {
    await endedRun({ attempts: 1 });
    receiver.answer = { status };
    expect(await attemptCallback(deps, target, last, representationOf)).toEqual({ state, attempts: 2 });
    expect((await stored()).callback).toMatchObject({ state, attempts: 2, lastStatus: status, lastAttemptAt: ATTEMPT_AT });
  });

  it('takes no answer (a reset connection) as status 0, to be tried again', async () => {
    await endedRun();
    receiver.answer = 'reset';
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Pending', attempts: 1 });
    expect((await stored()).callback).toMatchObject({ state: 'Pending', lastStatus: 0 });
  });

  it('never calls a private address unless allowed: nothing is sent, and the attempt counts with status 0', async () => {
    const strict: CallbackDeliveryPorts = { ...deps, config: { ALLOW_PRIVATE_CALLBACKS: false } };
    await endedRun();
    expect(await attemptCallback(strict, target, false, representationOf)).toEqual({ state: 'Pending', attempts: 1 });
    expect(await attemptCallback(strict, target, true, representationOf)).toEqual({ state: 'Failed', attempts: 2 });
    expect(receiver.received).toEqual([]);
    expect(represented).toEqual([]);
    expect((await stored()).callback).toMatchObject({ state: 'Failed', attempts: 2, lastStatus: 0 });
  });

  it('leaves a callback that is no longer Pending alone, answering its state', async () => {
    const before = await endedRun({ state: 'Delivered', attempts: 2, lastStatus: 200 });
    expect(await attemptCallback(deps, target, true, representationOf)).toEqual({ state: 'Delivered', attempts: 2 });
    expect(receiver.received).toEqual([]);
    expect((await stored()).etag).toBe(before.etag);
  });

  it('does nothing before the run has ended', async () => {
    const before = await endedRun({}, { state: 'Running', endedAt: undefined });
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Pending', attempts: 0 });
    expect(receiver.received).toEqual([]);
    expect((await stored()).etag).toBe(before.etag);
  });

  it('answers Unsubscribed with no attempts for a run that is gone or has no callback', async () => {
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Unsubscribed', attempts: 0 });
    await endedRun({}, { callback: undefined });
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Unsubscribed', attempts: 0 });
    expect(receiver.received).toEqual([]);
  });

  it('on a lost race with an unsubscribe, records nothing over it and answers Unsubscribed', async () => {
    await endedRun();
    loseNextReplace<RunDocument>(ports.runs.docs, ENV, RUN_ID, (current) => ({ ...current, callback: { ...current.callback!, state: 'Unsubscribed' } }));
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Unsubscribed', attempts: 0 });
    const { callback } = await stored();
    expect(callback?.state).toBe('Unsubscribed');
    expect(callback?.lastStatus).toBeUndefined();
  });

  it('on a lost race with a duplicate attempt that counted more, records its own answer without counting back', async () => {
    await endedRun();
    loseNextReplace<RunDocument>(ports.runs.docs, ENV, RUN_ID, (current) => ({ ...current, callback: { ...current.callback!, attempts: 5, lastStatus: 500 } }));
    expect(await attemptCallback(deps, target, false, representationOf)).toEqual({ state: 'Delivered', attempts: 5 });
    expect((await stored()).callback).toMatchObject({ state: 'Delivered', attempts: 5, lastStatus: 200 });
  });

  it('reads the definition a run written before flow versions carries itself', async () => {
    const legacy: FlowDefinition = { steps: [{ wait: { ms: 5 } }, { output: { name: 'v', value: 'legacy' } }] };
    await endedRun({}, { definitionHash: 'no-version-document', definition: legacy });
    expect((await attemptCallback(deps, target, false, representationOf)).state).toBe('Delivered');
    expect(represented).toEqual([{ runId: RUN_ID, definition: legacy }]);
  });

  it('fails without sending or recording anything when the run’s flow version is lost', async () => {
    const before = await endedRun({}, { definitionHash: 'no-version-document' });
    await expect(attemptCallback(deps, target, false, representationOf)).rejects.toBeInstanceOf(FlowVersionMissingError);
    expect(receiver.received).toEqual([]);
    expect((await stored()).etag).toBe(before.etag);
  });

  it('fails without sending or recording anything when the secret store is down', async () => {
    const before = await endedRun();
    ports.secrets.failSet = true;
    await expect(attemptCallback(deps, target, false, representationOf)).rejects.toThrow('the vault is down');
    expect(receiver.received).toEqual([]);
    expect((await stored()).etag).toBe(before.etag);
  });
});
