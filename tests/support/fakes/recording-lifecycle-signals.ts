import type { LifecycleSignals } from '../../../app/maintenance/lifecycle-signals.js';

/** The sweeps' signals to the Durable side, only recorded: which controllers were woken, which bots told to go. */
export class RecordingLifecycleSignals implements LifecycleSignals {
  readonly woken: string[] = [];
  readonly released: Array<{ botId: string; reason: string }> = [];

  async wakeController(environmentId: string): Promise<void> {
    this.woken.push(environmentId);
  }
  async releaseBot(botId: string, reason: string): Promise<void> {
    this.released.push({ botId, reason });
  }
}
