import type { PlatformSettings, Trace } from './model.js';
import type { ScalingPolicy } from './policy.js';
import { World } from './world.js';

/** Runs one trace under one policy with one seed, on the virtual clock, up to the trace's horizon. */
export function simulate(trace: Trace, policy: ScalingPolicy, platform: PlatformSettings, seed: number, options: { keepSeries?: boolean } = {}): World {
  const world = new World(trace, policy, platform, seed, options.keepSeries ?? false);
  for (;;) {
    const at = world.clock.peekTime();
    if (at === undefined || at > trace.horizon) break;
    const next = world.clock.next();
    if (next === undefined) break;
    world.handle(next.event);
  }
  world.recorder.advance(trace.horizon, world.loads());
  return world;
}
