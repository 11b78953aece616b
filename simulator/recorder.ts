/**
 * What a simulation measures while it runs: time integrals (bot-minutes, bot-minutes beyond demand) and a
 * step series of queue depth and bots alive for the charts. The world tells it what each group looks like
 * before every event; it integrates the time since the previous one.
 */
export interface GroupLoad {
  /** bots holding a slot (Provisioning, Ready, Busy, Draining) */
  alive: number;
  committed: number;
  queued: number;
  running: number;
}

export interface SeriesPoint {
  t: number;
  queued: number;
  bots: number;
}

export class Recorder {
  private last: number;
  botMs = 0;
  beyondDemandMs = 0;
  /** bot time per group, in the order of the loads */
  groupBotMs: number[] = [];
  readonly series: SeriesPoint[] = [];

  constructor(
    start: number,
    private readonly keepSeries: boolean,
  ) {
    this.last = start;
  }

  /**
   * Integrates from the last call to `t` with the loads as they were. Beyond demand: bots a group holds above
   * max(its committed bots, its queued + running runs), the bots no run could use and nobody asked to keep warm.
   */
  advance(t: number, loads: readonly GroupLoad[]): void {
    const dt = t - this.last;
    if (dt > 0) {
      for (const [i, g] of loads.entries()) {
        this.botMs += g.alive * dt;
        this.groupBotMs[i] = (this.groupBotMs[i] ?? 0) + g.alive * dt;
        this.beyondDemandMs += Math.max(0, g.alive - Math.max(g.committed, g.queued + g.running)) * dt;
      }
      this.last = t;
    }
  }

  /** Records the totals after an event, when they changed. */
  sample(t: number, loads: readonly GroupLoad[]): void {
    if (!this.keepSeries) return;
    const queued = loads.reduce((s, g) => s + g.queued, 0);
    const bots = loads.reduce((s, g) => s + g.alive, 0);
    const prev = this.series[this.series.length - 1];
    if (prev !== undefined && prev.queued === queued && prev.bots === bots) return;
    if (prev !== undefined && prev.t === t) this.series.pop();
    this.series.push({ t, queued, bots });
  }
}
