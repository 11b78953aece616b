import * as df from 'durable-functions';
import type { DurableClient, OrchestrationContext, Task } from 'durable-functions';
import { z } from 'zod';
import { isEnded, type RunDocument } from '../domain/run.js';
import { CALLBACK_RETRY_WINDOW_MS, retryDelaySeconds } from '../domain/run-callback.js';
import type { RunCallbacks } from '../app/callbacks/run-callbacks.js';
import { bestEffort } from '../app/errors/best-effort.js';

/** The callback delivery's Durable function names. */
export const RUN_CALLBACK = {
  orchestration: 'runCallback',
  attemptActivity: 'attemptRunCallback',
} as const;

export const runCallbackInstanceId = (runId: string) => `callback-${runId}`;

const inputSchema = z.object({
  environmentId: z.string(),
  runId: z.string(),
  /** first wait between attempts (CALLBACK_RETRY_BASE_SECONDS at start) */
  baseSeconds: z.number().positive(),
  /** when the delivery started (ISO 8601): attempts go on for 24 h from here */
  since: z.string().optional(),
  /** failed attempts so far */
  failures: z.number().int().min(0).default(0),
});
export type RunCallbackInput = z.input<typeof inputSchema>;

const attemptInputSchema = z.object({ environmentId: z.string().min(1), runId: z.string().min(1), last: z.boolean() });
export type AttemptInput = z.infer<typeof attemptInputSchema>;
export function parseAttemptInput(input: unknown): AttemptInput {
  return attemptInputSchema.parse(input);
}

const resultSchema = z.object({ state: z.enum(['Pending', 'Delivered', 'Failed', 'Unsubscribed']), attempts: z.number() });

/** a number in [0, 1) from the orchestration's deterministic GUID */
function deterministicRandom(context: OrchestrationContext, seed: string): number {
  return Number.parseInt(context.df.newGuid(seed).replace(/-/g, '').slice(0, 8), 16) / 0x1_0000_0000;
}

/**
 * One run's callback delivery: an attempt (activity), then, while the callback is Pending, a Durable timer with
 * exponential backoff and jitter and `continueAsNew` (each execution is one activity and one timer, so history stays
 * small). The attempt that would leave the 24 h window is the last: a failure then ends the callback Failed.
 * Deterministic: time from `currentUtcDateTime`, randomness from `newGuid`.
 */
export function* runCallback(context: OrchestrationContext): Generator<Task, unknown, unknown> {
  const input = inputSchema.parse(context.df.getInput());
  const now = context.df.currentUtcDateTime;
  const since = input.since ?? now.toISOString();
  const delay = retryDelaySeconds(input.failures + 1, input.baseSeconds, deterministicRandom(context, `${input.runId}.${input.failures}`));
  const last = now.getTime() + delay * 1000 > Date.parse(since) + CALLBACK_RETRY_WINDOW_MS;
  let result: z.infer<typeof resultSchema> | undefined;
  try {
    const retry = new df.RetryOptions(2_000, 3);
    retry.backoffCoefficient = 2;
    result = resultSchema.parse(
      yield context.df.callActivityWithRetry(RUN_CALLBACK.attemptActivity, retry, {
        environmentId: input.environmentId,
        runId: input.runId,
        last,
      } satisfies AttemptInput),
    );
  } catch {
    result = undefined; // the store is down, say: wait as after a failed attempt
  }
  if (result && result.state !== 'Pending') return { runId: input.runId, state: result.state, attempts: result.attempts };
  yield context.df.createTimer(new Date(now.getTime() + delay * 1000));
  context.df.continueAsNew({ ...input, since, failures: input.failures + 1 } satisfies RunCallbackInput);
  return undefined;
}

const RUNNING = ['Running', 'Pending', 'ContinuedAsNew'];

/**
 * The `RunCallbacks` port on the real Durable client: starts `callback-{runId}` unless it is running. A delivery that
 * ended (Delivered, Failed, Unsubscribed) left the run's callback in that state, so the sweep never asks again.
 */
export function durableRunCallbacks(client: DurableClient, baseSeconds: number): RunCallbacks {
  return {
    async ensureStarted(run) {
      const instanceId = runCallbackInstanceId(run.id);
      // no status (unknown instance, or the read failed): try the start, which is idempotent on the instance id
      // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
      const status = await client.getStatus(instanceId).catch(() => undefined);
      if (status && RUNNING.includes(String(status.runtimeStatus))) return;
      try {
        await client.startNew(RUN_CALLBACK.orchestration, {
          instanceId,
          input: { environmentId: run.environmentId, runId: run.id, baseSeconds } satisfies RunCallbackInput,
        });
      } catch (err) {
        // a racing start won: the instance exists
        if (!/already exists/i.test(err instanceof Error ? err.message : String(err))) throw err;
      }
    },
  };
}

/**
 * The run-ended hook of the paths that hold a Durable client (agent finish, cancel): starts the delivery at once.
 * Best effort: the callback is Pending on the run already, so a failed start is repaired by the callback sweep.
 */
export async function afterRunEnded(
  client: DurableClient,
  baseSeconds: number,
  run: Pick<RunDocument, 'id' | 'environmentId' | 'state' | 'callback'>,
): Promise<void> {
  if (run.callback?.state !== 'Pending' || !isEnded(run.state)) return;
  await bestEffort(durableRunCallbacks(client, baseSeconds).ensureStarted(run), `starting the callback delivery of run ${run.id} (the callback sweep retries)`);
}
