import { runActions, type GroupAccess } from '../actions.js';
import { rolesIn, useConsole } from '../context.js';
import { formatDuration, formatTime, secondsBetween } from '../format.js';
import { usePoll } from '../poll.js';
import { hrefOf } from '../routes.js';
import { Loading, ProblemBox, Section, StateBadge } from './common.js';
import { RunActionButtons, type RunLike } from './run-actions.js';

interface Run extends RunLike {
  groupId: string;
  desktopFlowName: string;
  desktopFlowVersion: number;
  queuedAt: string;
  endedAt: string | null;
  botId: string | null;
  attempt: number;
  timeoutMinutes: number;
  outputs?: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  logs?: unknown;
  callback?: { state: string; attempts?: number; lastStatus?: number | null };
}

export function RunView({ env, run }: { env: string; run: string }) {
  const { api, me } = useConsole();
  const polled = usePoll<Run>(api, `environments/${env}/runs/${run}`);
  const r = polled.data;
  const group = usePoll<{ accessType?: GroupAccess }>(api, r ? `environments/${env}/groups/${r.groupId}` : undefined, 10_000);
  const now = new Date();
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={hrefOf({ name: 'environment', env })}>Environment</a>
        {r ? (
          <>
            {' '}
            › <a href={hrefOf({ name: 'group', env, group: r.groupId })}>Group</a>
          </>
        ) : null}{' '}
        › <span aria-current="page">Run</span>
      </nav>
      <h1>Run {run}</h1>
      <ProblemBox problem={polled.error} />
      {r ? (
        <>
          <Section title="State" id="run-state">
            <dl class="facts">
              <dt>State</dt>
              <dd data-testid="run-state">
                <StateBadge state={r.state} />
              </dd>
              <dt>Desktop flow</dt>
              <dd>
                {r.desktopFlowName} (version {r.desktopFlowVersion})
              </dd>
              <dt>Priority</dt>
              <dd>{r.priority}</dd>
              <dt>Queued</dt>
              <dd>{formatTime(r.queuedAt)}</dd>
              <dt>Waited</dt>
              <dd>{formatDuration(secondsBetween(r.queuedAt, r.startedAt, now))}</dd>
              <dt>Started</dt>
              <dd>{formatTime(r.startedAt)}</dd>
              <dt>Ended</dt>
              <dd>{formatTime(r.endedAt)}</dd>
              <dt>Ran for</dt>
              <dd>{formatDuration(secondsBetween(r.startedAt, r.endedAt, now))}</dd>
              <dt>Bot</dt>
              <dd>{r.botId ?? '—'}</dd>
              <dt>Attempt</dt>
              <dd>{r.attempt}</dd>
              <dt>Submitted by</dt>
              <dd>{r.submittedBy}</dd>
              {r.callback ? (
                <>
                  <dt>Callback</dt>
                  <dd data-testid="run-callback">
                    {r.callback.state}
                    {r.callback.attempts !== undefined ? ` · ${r.callback.attempts} attempts` : ''}
                    {r.callback.lastStatus ? ` · last HTTP ${r.callback.lastStatus}` : ''}
                  </dd>
                </>
              ) : null}
            </dl>
            <RunActionButtons
              env={env}
              run={r}
              actions={runActions({ id: me.id, platformAdmin: me.platformAdmin, roles: rolesIn(me, env) }, group.data?.accessType, r)}
              onDone={polled.refresh}
            />
          </Section>
          {r.error ? (
            <Section title="Error" id="run-error">
              <p>
                <strong>{r.error.code}</strong>: {r.error.message}
              </p>
            </Section>
          ) : null}
          {r.outputs && Object.keys(r.outputs).length > 0 ? (
            <Section title="Outputs" id="run-outputs">
              <pre>{JSON.stringify(r.outputs, null, 2)}</pre>
            </Section>
          ) : null}
          {r.logs ? (
            <Section title="Logs" id="run-logs">
              <pre>{typeof r.logs === 'string' ? r.logs : JSON.stringify(r.logs, null, 2)}</pre>
            </Section>
          ) : null}
        </>
      ) : (
        <Loading what="the run" />
      )}
    </>
  );
}
