/** A clock that says `iso` until a test moves it with `advance`. */
export interface FixedClock {
  now(): Date;
  advance(ms: number): void;
}

export function fixedClock(iso: string): FixedClock {
  let at = Date.parse(iso);
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}
