import { useMemo, useRef, useState } from 'preact/hooks';
import { groupActions, runActions, type Caller, type GroupAccess } from '../actions.js';
import { rolesIn, useConsole } from '../context.js';
import { formatDuration, formatReason, formatRelative, formatTime, shortId } from '../format.js';
import { usePoll } from '../poll.js';
import { hrefOf } from '../routes.js';
import { observeAll, segments, type TimelineEntry } from '../timeline.js';
import { Loading, ProblemBox, Section, StateBadge, Table, useAction } from './common.js';
import { HistoryChart } from './history-chart.js';
import { RunActionButtons, type RunLike } from './run-actions.js';

interface Group {
  id: string;
  etag: string;
  name: string;
  description: string;
  status: string;
  maintenance: boolean;
  maxBots: number;
  committedBots: number;
  runningCount: number;
  queuedCount: number;
  activeBots: number;
  accessType?: GroupAccess;
  ownerName?: string;
  owner: string;
  targetWaitMinutes?: number;
  minUtilization?: number;
}
interface QueueEntry extends RunLike {
  position: number;
  waitSeconds: number;
  desktopFlowName: string;
  botId: string | null;
  expectedStartAt?: string;
}
interface ScalingDecision {
  id: string;
  at: string;
  action: string;
  count: number;
  reason: string;
  detail: string;
}
interface Bot {
  id: string;
  state: string;
  since: string;
  imageVersion: string;
  currentRunId?: string;
}
interface PastRun extends RunLike {
  desktopFlowName: string;
  queuedAt: string;
  endedAt: string | null;
  error: { code: string; message: string } | null;
}
interface Share {
  userId: string;
  name?: string;
  permission: string;
  deactivated?: boolean;
}

const ENDED_STATES = ['Succeeded', 'Failed', 'Cancelled', 'TimedOut'];
/** The bot state changes seen per group during this page's life, so that leaving a group view and coming back keeps them. */
const timelinesSeen = new Map<string, Map<string, TimelineEntry[]>>();

function GroupSettings({ env, group, canEdit, onChanged }: { env: string; group: Group; canEdit: boolean; onChanged: () => void }) {
  const { api } = useConsole();
  const [maxBots, setMaxBots] = useState(String(group.maxBots));
  const [committedBots, setCommittedBots] = useState(String(group.committedBots));
  const action = useAction();
  const patch = async (body: Record<string, unknown>) => {
    // no If-Match: each edit sets absolute values (maintenance on, maxBots 3), so the etag of the last poll would only
    // turn a click into a 412 whenever anything else about the group changed in that second
    if (await action.run(() => api.send('PATCH', `environments/${env}/groups/${group.id}`, body))) onChanged();
  };
  return (
    <Section title="Group" id="group-settings">
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="group-status">
          {group.status}
          {group.maintenance ? ' · in maintenance' : ''}
        </dd>
        <dt>Bots</dt>
        <dd>
          {group.activeBots} live · max {group.maxBots} · committed {group.committedBots}
        </dd>
        <dt>Runs</dt>
        <dd>
          {group.runningCount} running · {group.queuedCount} queued
        </dd>
        <dt>Owner</dt>
        <dd>{group.ownerName ?? group.owner}</dd>
        <dt>Your access</dt>
        <dd>{group.accessType ?? '—'}</dd>
        {group.targetWaitMinutes !== undefined ? (
          <>
            <dt>Target wait (p95)</dt>
            <dd>{group.targetWaitMinutes} min</dd>
          </>
        ) : null}
        {group.minUtilization !== undefined ? (
          <>
            <dt>Minimum utilisation</dt>
            <dd>{Math.round(group.minUtilization * 100)} %</dd>
          </>
        ) : null}
      </dl>
      {canEdit ? (
        <div class="actions" data-testid="group-edit-actions">
          <button type="button" disabled={action.busy} onClick={() => void patch({ maintenance: !group.maintenance })}>
            {group.maintenance ? 'Turn maintenance off' : 'Turn maintenance on'}
          </button>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void patch({ maxBots: Number(maxBots), committedBots: Number(committedBots) });
            }}
          >
            <label>
              Max bots <input type="number" name="maxBots" min={1} max={50} value={maxBots} onInput={(e) => setMaxBots(e.currentTarget.value)} />
            </label>
            <label>
              Committed bots <input type="number" name="committedBots" min={0} value={committedBots} onInput={(e) => setCommittedBots(e.currentTarget.value)} />
            </label>
            <button type="submit" disabled={action.busy}>
              Save bot limits
            </button>
          </form>
        </div>
      ) : null}
      <ProblemBox problem={action.problem} />
    </Section>
  );
}

function Timeline({ history }: { history: readonly TimelineEntry[] }) {
  const parts = segments(history, new Date());
  const label = parts.map((p) => `${p.state} ${formatDuration(p.seconds)}`).join(', then ');
  return (
    <div class="timeline" role="img" aria-label={`State timeline: ${label}`} title={label}>
      {parts.map((p) => (
        <span key={p.from} class={`seg state-${p.state.toLowerCase()}`} style={{ flexGrow: Math.max(p.fraction, 0.02) }}>
          {p.fraction > 0.15 ? p.state : ''}
        </span>
      ))}
    </div>
  );
}

/** Shares are readable by those who may change them (the API answers 403 to the others), so the section is theirs only. */
function Sharing({ env, group }: { env: string; group: string }) {
  const { api } = useConsole();
  const access = usePoll<{ items: Share[] }>(api, `environments/${env}/groups/${group}/access`, 5000);
  const [userId, setUserId] = useState('');
  const [permission, setPermission] = useState('User');
  const action = useAction();
  const share = async (e: Event) => {
    e.preventDefault();
    const current = (access.data?.items ?? []).filter((s) => s.userId !== userId).map((s) => ({ userId: s.userId, permission: s.permission }));
    if (await action.run(() => api.send('PUT', `environments/${env}/groups/${group}/access`, [...current, { userId, permission }]))) {
      setUserId('');
      access.refresh();
    }
  };
  return (
    <Section title="Sharing" id="sharing">
      <ProblemBox problem={access.error ?? action.problem} />
      <Table caption="Shares" head={['User', 'Permission']} empty={access.data?.items.length === 0 && 'Not shared with anyone.'}>
        {(access.data?.items ?? []).map((s) => (
          <tr key={s.userId}>
            <td>
              {s.name ?? s.userId}
              {s.deactivated ? ' (deactivated)' : ''}
            </td>
            <td>{s.permission}</td>
          </tr>
        ))}
      </Table>
      <form class="inline-form" onSubmit={(e) => void share(e)}>
        <label>
          User id <input name="shareUserId" required value={userId} onInput={(e) => setUserId(e.currentTarget.value)} />
        </label>
        <label>
          Permission
          <select name="sharePermission" value={permission} onChange={(e) => setPermission(e.currentTarget.value)}>
            <option>User</option>
            <option>CoOwner</option>
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Share
        </button>
      </form>
    </Section>
  );
}

function PastRuns({ env, group, caller, access }: { env: string; group: string; caller: Caller; access: GroupAccess }) {
  const { api } = useConsole();
  const [state, setState] = useState('');
  const path = `environments/${env}/runs?groupId=${group}&pageSize=25${state ? `&state=${state}` : ''}`;
  const runs = usePoll<{ items: PastRun[] }>(api, path, 2000);
  const now = new Date();
  return (
    <Section title="Runs" id="runs">
      <label class="filter">
        State{' '}
        <select name="runStateFilter" value={state} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="">any</option>
          {['Queued', 'Running', ...ENDED_STATES].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <ProblemBox problem={runs.error} />
      <Table
        caption="Runs of the group, newest first"
        head={['Run', 'Flow', 'State', 'Queued', 'Took', 'Error', 'Actions']}
        empty={runs.data?.items.length === 0 && 'No runs.'}
      >
        {(runs.data?.items ?? []).map((r) => (
          <tr key={r.id} data-testid="run-row" data-state={r.state}>
            <td>
              <a href={hrefOf({ name: 'run', env, run: r.id })} title={r.id}>
                {shortId(r.id)}
              </a>
            </td>
            <td>{r.desktopFlowName}</td>
            <td>
              <StateBadge state={r.state} />
            </td>
            <td>{formatRelative(r.queuedAt, now)}</td>
            <td>{r.startedAt ? formatDuration(((r.endedAt ? Date.parse(r.endedAt) : now.getTime()) - Date.parse(r.startedAt)) / 1000) : '—'}</td>
            <td>{r.error ? `${r.error.code}: ${r.error.message}` : ''}</td>
            <td>
              <RunActionButtons env={env} run={r} actions={runActions(caller, access, r)} onDone={runs.refresh} />
            </td>
          </tr>
        ))}
      </Table>
    </Section>
  );
}

export function GroupView({ env, group }: { env: string; group: string }) {
  const { api, me } = useConsole();
  const base = `environments/${env}/groups/${group}`;
  const details = usePoll<Group>(api, base);
  const queue = usePoll<{ items: QueueEntry[]; lastScalingDecision?: ScalingDecision }>(api, `${base}/queue?pageSize=200`);
  const bots = usePoll<{ items: Bot[] }>(api, `${base}/bots`);
  const scaling = usePoll<{ items: ScalingDecision[] }>(api, `${base}/scaling?pageSize=20`, 2000);
  const errors = usePoll<{ items: Array<{ at: string; botId: string; reason: string }> }>(api, `${base}/errors`, 5000);
  const connections = usePoll<{ items: Array<{ id: string; name: string; username: string; ownerId: string }> }>(api, `${base}/connections`, 5000);
  const histories = useRef(timelinesSeen.get(group) ?? new Map<string, TimelineEntry[]>());
  histories.current = useMemo(() => observeAll(histories.current, bots.data?.items ?? []), [bots.data]);
  timelinesSeen.set(group, histories.current);

  const g = details.data;
  const caller: Caller = { id: me.id, platformAdmin: me.platformAdmin, roles: rolesIn(me, env) };
  const access = g?.accessType;
  const rights = groupActions(caller, access);
  const now = new Date();
  const decision = queue.data?.lastScalingDecision;
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={hrefOf({ name: 'environments' })}>Environments</a> › <a href={hrefOf({ name: 'environment', env })}>Environment</a> ›{' '}
        <span aria-current="page">{g?.name ?? 'Group'}</span>
      </nav>
      <h1>{g?.name ?? 'Hosted machine group'}</h1>
      <ProblemBox problem={details.error} />
      {g ? <GroupSettings env={env} group={g} canEdit={rights.edit} onChanged={details.refresh} /> : <Loading what="the group" />}
      <Section title="Queue" id="queue">
        <p data-testid="scaling-reason" aria-live="polite">
          Latest scaling decision:{' '}
          {decision ? (
            <>
              <strong>{decision.action}</strong>, reason <strong>{formatReason(decision.reason)}</strong>{' '}
              <span class="muted">({formatRelative(decision.at, now)})</span>
            </>
          ) : (
            'none yet'
          )}
        </p>
        <ProblemBox problem={queue.error} />
        <Table
          caption="Queue in dispatch order"
          head={['#', 'Run', 'Flow', 'State', 'Priority', 'Wait', 'Expected start', 'Actions']}
          empty={queue.data?.items.length === 0 && 'The queue is empty.'}
        >
          {(queue.data?.items ?? []).map((r) => (
            <tr key={r.id} data-testid="queue-row" data-state={r.state}>
              <td>{r.position}</td>
              <td>
                <a href={hrefOf({ name: 'run', env, run: r.id })} title={r.id}>
                  {shortId(r.id)}
                </a>
              </td>
              <td>{r.desktopFlowName}</td>
              <td>
                <StateBadge state={r.state} />
              </td>
              <td>{r.priority}</td>
              <td>{formatDuration(r.waitSeconds)}</td>
              <td>{r.expectedStartAt ? formatRelative(r.expectedStartAt, now) : '—'}</td>
              <td>
                <RunActionButtons env={env} run={r} actions={runActions(caller, access, r)} onDone={queue.refresh} />
              </td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title="Bots" id="bots">
        <ProblemBox problem={bots.error} />
        <Table
          caption="Bots of the group"
          head={['Bot', 'State', 'Run', 'Image version', 'Since', 'Timeline']}
          empty={bots.data?.items.length === 0 && 'No bots.'}
        >
          {(bots.data?.items ?? []).map((b) => (
            <tr key={b.id} data-testid="bot-row" data-state={b.state}>
              <td title={b.id}>{shortId(b.id)}</td>
              <td>
                <StateBadge state={b.state} />
              </td>
              <td>{b.currentRunId ? <a href={hrefOf({ name: 'run', env, run: b.currentRunId })}>{shortId(b.currentRunId)}</a> : '—'}</td>
              <td>{b.imageVersion}</td>
              <td>{formatRelative(b.since, now)}</td>
              <td class="timeline-cell">
                <Timeline history={histories.current.get(b.id) ?? []} />
              </td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title="Scaling decisions" id="scaling">
        <ProblemBox problem={scaling.error} />
        <Table
          caption="Recent scaling decisions"
          head={['When', 'Action', 'Count', 'Reason', 'Detail']}
          empty={scaling.data?.items.length === 0 && 'No decisions yet.'}
        >
          {(scaling.data?.items ?? []).map((d) => (
            <tr key={d.id}>
              <td>{formatTime(d.at)}</td>
              <td>{d.action}</td>
              <td>{d.count}</td>
              <td>{formatReason(d.reason)}</td>
              <td>{d.detail}</td>
            </tr>
          ))}
        </Table>
      </Section>
      <HistoryChart
        env={env}
        group={group}
        targets={{ waitingP95Seconds: g?.targetWaitMinutes === undefined ? undefined : g.targetWaitMinutes * 60, utilisation: g?.minUtilization }}
      />
      <PastRuns env={env} group={group} caller={caller} access={access} />
      <Section title="Provisioning errors" id="errors">
        <ProblemBox problem={errors.error} />
        <Table caption="Provisioning errors" head={['When', 'Bot', 'Reason']} empty={errors.data?.items.length === 0 && 'No provisioning errors.'}>
          {(errors.data?.items ?? []).map((e) => (
            <tr key={`${e.at}-${e.botId}`}>
              <td>{formatTime(e.at)}</td>
              <td>{shortId(e.botId)}</td>
              <td>{e.reason}</td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title="Connections" id="connections">
        <ProblemBox problem={connections.error} />
        <Table caption="Connections to the group" head={['Name', 'Account', 'Owner']} empty={connections.data?.items.length === 0 && 'No connections.'}>
          {(connections.data?.items ?? []).map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>{c.username}</td>
              <td>{c.ownerId}</td>
            </tr>
          ))}
        </Table>
      </Section>
      {rights.share ? <Sharing env={env} group={group} /> : null}
    </>
  );
}
