import type { Principal } from '../../domain/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { AppError } from '../../domain/errors/app-error.js';
import type { RunDocument } from '../../domain/run.js';
import { newCallback } from '../../domain/run-callback.js';
import type { Versioned } from '../ports/document-store.js';
import { validateCallbackUrl } from '../callback-targets/callback-url.js';
import { loadRun } from '../runs/load-run.js';
import { changeRun } from '../runs/transitions.js';

/** What (un)subscribing needs: the callback address rules, and what loading and changing the run need. */
export type CallbackSubscriptionPorts = { config: Pick<AppConfig, 'ALLOW_HTTP_CALLBACKS' | 'ALLOW_PRIVATE_CALLBACKS'> } & Parameters<typeof loadRun>[0] &
  Parameters<typeof changeRun>[0];

/**
 * `DELETE .../runs/{id}/callback`: the run's callback is Unsubscribed and never (again) delivered; its submitter and
 * whoever may cancel the run may. 404 when the run has no callback. Unsubscribing again is harmless (204).
 */
export async function unsubscribeRunCallback(
  deps: CallbackSubscriptionPorts,
  principal: Principal,
  environmentId: string,
  runId: string,
): Promise<Versioned<RunDocument>> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'control');
  if (!run.callback) throw AppError.notFound('Callback');
  const { run: saved } = await changeRun(deps, run, (current, now) => {
    if (!current.callback) throw AppError.notFound('Callback');
    if (current.callback.state !== 'Pending') return undefined;
    return { ...current, callback: { ...current.callback, state: 'Unsubscribed' }, updatedAt: now.toISOString() };
  });
  return saved;
}

/**
 * `POST .../runs/{id}/callback` (the connector's "When a desktop flow run ends" trigger, and a way to wait for a run
 * submitted without callbackUrl, a resubmission say): sets the run's callback, Pending, replacing any earlier one.
 * Who may: as for DELETE. A run that has ended already is delivered at once (the route starts the delivery).
 */
export async function subscribeRunCallback(
  deps: CallbackSubscriptionPorts,
  principal: Principal,
  environmentId: string,
  runId: string,
  callbackUrl: string,
): Promise<Versioned<RunDocument>> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'control');
  const url = await validateCallbackUrl(deps.config, callbackUrl);
  const { run: saved } = await changeRun(deps, run, (current, now) => ({ ...current, callback: newCallback(url), updatedAt: now.toISOString() }));
  return saved;
}
