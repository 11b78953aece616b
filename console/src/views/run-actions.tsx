import type { RunActions } from '../actions.js';
import { useConsole } from '../context.js';
import { ProblemBox, useAction } from './common.js';

export interface RunLike {
  id: string;
  etag?: string;
  state: string;
  priority: string;
  submittedBy: string;
  startedAt: string | null;
}

/** The buttons for one run: only those the caller's rights allow (the API refuses the rest anyway). */
export function RunActionButtons({ env, run, actions, onDone }: { env: string; run: RunLike; actions: RunActions; onDone: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const base = `environments/${env}/runs/${run.id}`;
  const act = async (call: () => Promise<unknown>) => {
    if (await action.run(call)) onDone();
  };
  const other = run.priority === 'High' ? 'Normal' : 'High';
  return (
    <div class="row-actions">
      {actions.cancel ? (
        <button type="button" disabled={action.busy} aria-label={`Cancel run ${run.id}`} onClick={() => void act(() => api.send('POST', `${base}/cancel`))}>
          Cancel
        </button>
      ) : null}
      {actions.moveToTop ? (
        <button
          type="button"
          disabled={action.busy}
          aria-label={`Move run ${run.id} to the top`}
          onClick={() => void act(() => api.send('POST', `${base}/move-to-top`))}
        >
          Move to top
        </button>
      ) : null}
      {actions.changePriority ? (
        <button
          type="button"
          disabled={action.busy}
          aria-label={`Set the priority of run ${run.id} to ${other}`}
          onClick={() => void act(() => api.send('PATCH', base, { priority: other }))}
        >
          Priority {other}
        </button>
      ) : null}
      {actions.resubmit ? (
        <button type="button" disabled={action.busy} aria-label={`Resubmit run ${run.id}`} onClick={() => void act(() => api.send('POST', `${base}/resubmit`))}>
          Resubmit
        </button>
      ) : null}
      <ProblemBox problem={action.problem} />
    </div>
  );
}
