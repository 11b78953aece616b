import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { toProblem } from '../poll.js';
import type { ProblemView } from '../problem.js';

/** An API error as the console shows it: the problem's title and detail, announced to screen readers. */
export function ProblemBox({ problem }: { problem: ProblemView | undefined }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert" data-testid="problem">
      <strong class="problem-title">{problem.title}</strong>
      {problem.status ? <span class="problem-status"> ({problem.status})</span> : null}
      {problem.detail ? <p class="problem-detail">{problem.detail}</p> : null}
      {problem.fields.length > 0 ? (
        <ul>
          {problem.fields.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-heading`} class="card" id={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** Runs an API action and shows its error beside the control that started it. */
export function useAction(): { busy: boolean; problem: ProblemView | undefined; run: (action: () => Promise<unknown>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ProblemView | undefined>(undefined);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setProblem(toProblem(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run, clear: () => setProblem(undefined) };
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state.toLowerCase()}`}>{state}</span>;
}

/** A table with a caption (read by screen readers) that scrolls sideways on a phone instead of overflowing. */
export function Table({ caption, head, children, empty }: { caption: string; head: string[]; children: ComponentChildren; empty?: string | false }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {empty ? <p class="muted empty">{empty}</p> : null}
    </div>
  );
}
