import { useState } from 'preact/hooks';
import { environmentActions } from '../actions.js';
import { rolesIn, useConsole } from '../context.js';
import { usePoll } from '../poll.js';
import { hrefOf } from '../routes.js';
import { Loading, ProblemBox, Section, Table, useAction } from './common.js';

interface Environment {
  id: string;
  name: string;
  region: string;
  plan: string;
  capacity: number;
  hostedRpaEnabled: boolean;
}
interface Capacity {
  capacity: number;
  parallelLimit: number;
  committed: number;
  inUse: number;
  available: number;
}
interface GroupSummary {
  id: string;
  name: string;
  status: string;
  maintenance: boolean;
  runningCount: number;
  queuedCount: number;
  activeBots: number;
  maxBots: number;
  committedBots: number;
  accessType?: string;
}
interface Image {
  id: string;
  name: string;
}

function Meter({ label, value, max }: { label: string; value: number; max: number }) {
  return (
    <div class="meter-row">
      <span>{label}</span>
      <meter min={0} max={Math.max(1, max)} value={value} aria-label={label} />
      <span>
        {value} / {max}
      </span>
    </div>
  );
}

function CreateGroup({ env, onCreated }: { env: string; onCreated: () => void }) {
  const { api } = useConsole();
  const images = usePoll<{ items: Image[] }>(api, `environments/${env}/images`, 30_000);
  const [name, setName] = useState('');
  const [maxBots, setMaxBots] = useState('2');
  const [committedBots, setCommittedBots] = useState('0');
  const [imageId, setImageId] = useState('');
  const [username, setUsername] = useState('rpaadmin');
  const [password, setPassword] = useState('');
  const action = useAction();
  const chosenImage = imageId || images.data?.items[0]?.id || '';
  const submit = async (event: Event) => {
    event.preventDefault();
    const ok = await action.run(() =>
      api.send('POST', `environments/${env}/groups`, {
        name,
        maxBots: Number(maxBots),
        committedBots: Number(committedBots),
        imageId: chosenImage,
        account: { username, password },
      }),
    );
    if (ok) {
      setName('');
      setPassword('');
      onCreated();
    }
  };
  return (
    <Section title="Create a hosted machine group" id="create-group">
      <form class="form-grid" onSubmit={(e) => void submit(e)}>
        <label>
          Name <input name="groupName" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Max bots <input name="maxBots" type="number" min={1} max={50} value={maxBots} onInput={(e) => setMaxBots(e.currentTarget.value)} />
        </label>
        <label>
          Committed bots <input name="committedBots" type="number" min={0} value={committedBots} onInput={(e) => setCommittedBots(e.currentTarget.value)} />
        </label>
        <label>
          Image
          <select name="imageId" value={chosenImage} onChange={(e) => setImageId(e.currentTarget.value)}>
            {(images.data?.items ?? []).map((image) => (
              <option key={image.id} value={image.id}>
                {image.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Local account <input name="username" required autocomplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Account password{' '}
          <input name="password" type="password" required autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy || !chosenImage}>
          Create group
        </button>
      </form>
      <ProblemBox problem={action.problem ?? images.error} />
    </Section>
  );
}

export function EnvironmentView({ env }: { env: string }) {
  const { api, me } = useConsole();
  const environment = usePoll<Environment>(api, `environments/${env}`, 5000);
  const capacity = usePoll<Capacity>(api, `environments/${env}/capacity`);
  const groups = usePoll<{ items: GroupSummary[] }>(api, `environments/${env}/groups`);
  const actions = environmentActions({ id: me.id, platformAdmin: me.platformAdmin, roles: rolesIn(me, env) });
  const e = environment.data;
  const c = capacity.data;
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={hrefOf({ name: 'environments' })}>Environments</a> › <span aria-current="page">{e?.name ?? env}</span>
      </nav>
      <h1>{e?.name ?? 'Environment'}</h1>
      <ProblemBox problem={environment.error} />
      {e ? (
        <p class="muted">
          {e.region} · {e.plan} plan · hosted RPA {e.hostedRpaEnabled ? 'enabled' : 'disabled'} ·{' '}
          <a href={hrefOf({ name: 'maintenance', env })}>maintenance log</a>
          {actions.viewAudit ? (
            <>
              {' '}
              · <a href={hrefOf({ name: 'audit', env })}>audit log</a>
            </>
          ) : null}
        </p>
      ) : null}
      <Section title="Capacity" id="capacity">
        <ProblemBox problem={capacity.error} />
        {c ? (
          <div data-testid="capacity">
            <Meter label="Bots in use against the parallel limit" value={c.inUse} max={c.parallelLimit} />
            <Meter label="Committed against capacity" value={c.committed} max={c.capacity} />
            <p class="muted">
              {c.available} available · {c.committed} committed · {Math.max(0, c.capacity - c.committed)} shared
            </p>
          </div>
        ) : (
          <Loading what="capacity" />
        )}
      </Section>
      <Section title="Hosted machine groups" id="groups">
        <ProblemBox problem={groups.error} />
        {groups.data ? (
          <Table
            caption="Hosted machine groups"
            head={['Group', 'Status', 'Running', 'Queued', 'Live bots', 'Max / committed']}
            empty={groups.data.items.length === 0 && 'No group yet.'}
          >
            {groups.data.items.map((g) => (
              <tr key={g.id}>
                <td>
                  <a href={hrefOf({ name: 'group', env, group: g.id })}>{g.name}</a>
                </td>
                <td>
                  {g.status}
                  {g.maintenance ? ' · maintenance' : ''}
                </td>
                <td>{g.runningCount}</td>
                <td>{g.queuedCount}</td>
                <td>{g.activeBots}</td>
                <td>
                  {g.maxBots} / {g.committedBots}
                </td>
              </tr>
            ))}
          </Table>
        ) : (
          <Loading what="groups" />
        )}
      </Section>
      {actions.createGroup ? <CreateGroup env={env} onCreated={groups.refresh} /> : null}
    </>
  );
}
