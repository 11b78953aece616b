import type { AppConfig } from '../config/app-config.js';
import type { FlowDefinition } from '../../domain/desktop-flow.js';
import { isEnded, type RunDocument } from '../../domain/run.js';
import { stateAfterAttempt, type CallbackState } from '../../domain/run-callback.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { Versioned } from '../ports/document-store.js';
import { runDefinition } from '../desktop-flows/desktop-flow-versions.js';
import { findRun } from '../runs/load-run.js';
import { changeRun } from '../runs/transitions.js';
import { checkCallbackHost } from '../callback-targets/callback-address.js';
import { postCallback } from './callback-post.js';
import { signatureOf, webhookSecret } from './webhook-secret.js';

/**
 * What an attempt needs: the webhook secret, whether private addresses may be called, the clock; and what finding the
 * run, reading its definition and recording the attempt on it need.
 */
export type CallbackDeliveryPorts = {
  secrets: Pick<SecretStore, 'get' | 'set'>;
  config: Pick<AppConfig, 'ALLOW_PRIVATE_CALLBACKS'>;
  now(): Date;
} & Parameters<typeof findRun>[0] &
  Parameters<typeof runDefinition>[0] &
  Parameters<typeof changeRun>[0];

export interface CallbackTarget {
  environmentId: string;
  runId: string;
}

/** The run's representation as the API serves it (`runResource`, api/run-presenters.ts): the callback's body. */
export type RunRepresentation = (run: Versioned<RunDocument>, definition: FlowDefinition) => unknown;

export interface AttemptResult {
  /** the callback's state after the attempt: Pending means try again later */
  state: CallbackState;
  attempts: number;
}

/**
 * One delivery attempt of an ended run's callback: POST the run's final representation (the body of
 * `GET .../runs/{id}`), signed with the environment's webhook secret, and record the outcome on the run (etag).
 * A callback no longer Pending (delivered, unsubscribed) is left alone. `last`: a failure ends the callback Failed.
 */
export async function attemptCallback(
  deps: CallbackDeliveryPorts,
  target: CallbackTarget,
  last: boolean,
  representationOf: RunRepresentation,
): Promise<AttemptResult> {
  const run = await findRun(deps, target.environmentId, target.runId);
  const callback = run?.callback;
  if (!run || !callback) return { state: 'Unsubscribed', attempts: 0 };
  if (callback.state !== 'Pending' || !isEnded(run.state)) return { state: callback.state, attempts: callback.attempts };

  const url = new URL(callback.url);
  const attempt = callback.attempts + 1;
  const at = deps.now().toISOString();
  const check = await checkCallbackHost(url.hostname, deps.config.ALLOW_PRIVATE_CALLBACKS);
  let status = 0;
  if (check.ok) {
    const body = Buffer.from(JSON.stringify(representationOf(run, await runDefinition(deps, run))), 'utf8');
    const secret = await webhookSecret(deps.secrets, run.environmentId);
    status = await postCallback(url, check.address, body, {
      'x-signature': signatureOf(secret, body),
      'x-run-id': run.id,
      'x-delivery-id': `${run.id}.${attempt}`,
      'x-delivery-attempt': String(attempt),
      'x-timestamp': at,
    });
  }
  const outcome = stateAfterAttempt(status);
  const { run: saved } = await changeRun(deps, run, (current) =>
    recordAttempt(current, attempt, status, at, outcome === 'Pending' && last ? 'Failed' : outcome),
  );
  return { state: saved.callback?.state ?? 'Unsubscribed', attempts: saved.callback?.attempts ?? attempt };
}

function recordAttempt(run: RunDocument, attempt: number, status: number, at: string, state: CallbackState): RunDocument | undefined {
  // unsubscribed (or delivered by a duplicate attempt) meanwhile: that state holds
  if (!run.callback || run.callback.state !== 'Pending') return undefined;
  return { ...run, callback: { ...run.callback, state, attempts: Math.max(run.callback.attempts, attempt), lastStatus: status, lastAttemptAt: at } };
}
