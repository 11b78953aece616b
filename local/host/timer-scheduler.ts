import { Cron } from 'croner';
import type { FunctionInvoker } from './function-invoker.js';
import type { FunctionRegistry, RegisteredFunction } from './function-registry.js';
import type { HostExtension } from './host-extension.js';

/** The payload the Functions host hands a timer trigger (PascalCase; the library camel-cases it). */
export function timerTriggerPayload(isPastDue: boolean, last: Date | undefined, next: Date | undefined): string {
  return JSON.stringify({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: { Last: (last ?? new Date(0)).toISOString(), Next: next?.toISOString(), LastUpdated: new Date().toISOString() },
    IsPastDue: isPastDue,
  });
}

/** `%NAME%` in a schedule is an app setting reference, as in the Functions host. */
export function resolveSchedule(schedule: string, settings: NodeJS.ProcessEnv): string {
  const ref = /^%([^%]+)%$/.exec(schedule.trim());
  if (!ref) return schedule;
  const value = settings[ref[1] ?? ''];
  if (!value) throw new Error(`Timer schedule refers to app setting ${schedule}, which is not set.`);
  return value;
}

/**
 * Fires timer triggers on their NCRONTAB schedules (six fields, seconds first), one invocation of a
 * function at a time, like the host's singleton timer lock.
 */
export class TimerScheduler implements HostExtension {
  readonly name = 'timers';
  readonly #jobs: Cron[] = [];
  readonly #running = new Set<string>();

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly invoker: FunctionInvoker,
    private readonly settings: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    for (const fn of this.registry.byTriggerType('timerTrigger')) {
      const schedule = resolveSchedule(String(fn.trigger.binding.schedule ?? ''), this.settings);
      let last: Date | undefined;
      const job = new Cron(schedule, { protect: true, catch: true }, async () => {
        const previous = last;
        last = new Date();
        await this.fire(fn, previous, job.nextRun() ?? undefined);
      });
      this.#jobs.push(job);
      if (fn.trigger.binding.runOnStartup === true) void this.fire(fn, undefined, job.nextRun() ?? undefined);
    }
  }

  async fire(fn: RegisteredFunction, last: Date | undefined, next: Date | undefined): Promise<void> {
    if (this.#running.has(fn.name)) return;
    this.#running.add(fn.name);
    try {
      await this.invoker.invoke(fn.name, { trigger: { json: timerTriggerPayload(false, last, next) } });
    } catch (err) {
      this.log(`timer ${fn.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.#running.delete(fn.name);
    }
  }

  async stop(): Promise<void> {
    for (const job of this.#jobs) job.stop();
  }
}
