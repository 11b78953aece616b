import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from './api.js';
import { ApiError } from './api.js';
import { problemOf, type ProblemView } from './problem.js';

/** How often a view asks again; views refresh within 2 s of a change (issue #23). */
export const POLL_INTERVAL_MS = 1000;

export interface Polled<T> {
  data: T | undefined;
  error: ProblemView | undefined;
  refresh(): void;
}

function toProblem(err: unknown): ProblemView {
  if (err instanceof ApiError) return err.problem;
  return problemOf(0, undefined, err instanceof Error ? err.message : String(err));
}

/**
 * GETs `path` every `intervalMs` (sending `If-None-Match` once the route gave an ETag, so an unchanged resource costs
 * a 304), and stops while the tab is hidden. `path` undefined: nothing is polled.
 */
export function usePoll<T>(api: ApiClient, path: string | undefined, intervalMs = POLL_INTERVAL_MS): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ProblemView | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const etag = useRef<string | undefined>(undefined);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    etag.current = undefined;
    setData(undefined);
    setError(undefined);
  }, [path]);

  useEffect(() => {
    if (!path) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const once = async () => {
      timer = undefined;
      if (stopped) return;
      if (document.hidden) return;
      try {
        const result = await api.request<T>('GET', path, etag.current ? { ifNoneMatch: etag.current } : {});
        if (stopped) return;
        if (result.status !== 304) {
          etag.current = result.etag;
          setData(result.body);
        }
        setError(undefined);
      } catch (err) {
        if (!stopped) setError(toProblem(err));
      }
      if (!stopped) timer = setTimeout(() => void once(), intervalMs);
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined) void once();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void once();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [api, path, intervalMs, tick]);

  return { data, error, refresh };
}

export { toProblem };
