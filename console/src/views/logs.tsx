import { useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import { formatReason, formatTime, shortId } from '../format.js';
import { usePoll } from '../poll.js';
import { hrefOf } from '../routes.js';
import { ProblemBox, Section, Table } from './common.js';

interface MaintenanceAction {
  id: string;
  at: string;
  sweep: string;
  action: string;
  reason: string;
  detail: string;
  groupId?: string;
  botId?: string;
  runId?: string;
}
interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorName?: string;
  action: string;
  method: string;
  route: string;
  targetId: string;
  changedFields: string[];
  status: number;
}

function Crumbs({ env, page }: { env: string; page: string }) {
  return (
    <nav aria-label="Breadcrumb" class="crumbs">
      <a href={hrefOf({ name: 'environments' })}>Environments</a> › <a href={hrefOf({ name: 'environment', env })}>Environment</a> ›{' '}
      <span aria-current="page">{page}</span>
    </nav>
  );
}

export function MaintenanceView({ env }: { env: string }) {
  const { api } = useConsole();
  const log = usePoll<{ items: MaintenanceAction[] }>(api, `environments/${env}/maintenance?pageSize=100`, 2000);
  return (
    <>
      <Crumbs env={env} page="Maintenance log" />
      <h1>Maintenance log</h1>
      <Section title="What the maintenance sweeps did" id="maintenance">
        <ProblemBox problem={log.error} />
        <Table
          caption="Maintenance actions, newest first"
          head={['When', 'Sweep', 'Action', 'Reason', 'Detail', 'Target']}
          empty={log.data?.items.length === 0 && 'Nothing yet.'}
        >
          {(log.data?.items ?? []).map((a) => (
            <tr key={a.id}>
              <td>{formatTime(a.at)}</td>
              <td>{a.sweep}</td>
              <td>{a.action}</td>
              <td>{formatReason(a.reason)}</td>
              <td>{a.detail}</td>
              <td>
                {a.runId ? (
                  <a href={hrefOf({ name: 'run', env, run: a.runId })}>run {shortId(a.runId)}</a>
                ) : a.botId ? (
                  `bot ${shortId(a.botId)}`
                ) : a.groupId ? (
                  <a href={hrefOf({ name: 'group', env, group: a.groupId })}>group</a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </Table>
      </Section>
    </>
  );
}

export function AuditView({ env }: { env: string }) {
  const { api } = useConsole();
  const [actor, setActor] = useState('');
  const log = usePoll<{ items: AuditEntry[] }>(api, `environments/${env}/audit?pageSize=100${actor ? `&actor=${encodeURIComponent(actor)}` : ''}`, 2000);
  return (
    <>
      <Crumbs env={env} page="Audit log" />
      <h1>Audit log</h1>
      <Section title="Every write by a user or app" id="audit">
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setActor(String(new FormData(e.currentTarget).get('actor') ?? '').trim());
          }}
        >
          <label>
            Actor id <input name="actor" />
          </label>
          <button type="submit">Filter</button>
        </form>
        <ProblemBox problem={log.error} />
        <Table
          caption="Audit entries, newest first"
          head={['When', 'Who', 'Action', 'Target', 'Fields', 'Status']}
          empty={log.data?.items.length === 0 && 'Nothing yet.'}
        >
          {(log.data?.items ?? []).map((a) => (
            <tr key={a.id}>
              <td>{formatTime(a.at)}</td>
              <td>{a.actorName ?? a.actor}</td>
              <td>{a.action}</td>
              <td title={a.targetId}>{shortId(a.targetId)}</td>
              <td>{a.changedFields.join(', ')}</td>
              <td>{a.status}</td>
            </tr>
          ))}
        </Table>
      </Section>
    </>
  );
}
