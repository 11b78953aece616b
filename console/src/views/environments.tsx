import { useState } from 'preact/hooks';
import { canCreateEnvironment } from '../actions.js';
import { useConsole } from '../context.js';
import { hrefOf } from '../routes.js';
import { ProblemBox, Section, useAction } from './common.js';

const GEOGRAPHIES = ['US', 'Europe', 'UK', 'Canada', 'Australia', 'Brazil', 'France', 'India', 'Germany', 'Switzerland', 'Japan', 'Asia', 'Norway'];

function CreateEnvironment() {
  const { api, refreshMe } = useConsole();
  const [name, setName] = useState('');
  const [geography, setGeography] = useState('Europe');
  const [plan, setPlan] = useState('paid');
  const [capacity, setCapacity] = useState('5');
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const ok = await action.run(() => api.send('POST', 'environments', { name, geography, plan, capacity: Number(capacity) }));
    if (ok) {
      setName('');
      refreshMe();
    }
  };
  return (
    <Section title="Create an environment" id="create-environment">
      <form class="form-grid" onSubmit={(e) => void submit(e)}>
        <label>
          Name <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Geography
          <select name="geography" value={geography} onChange={(e) => setGeography(e.currentTarget.value)}>
            {GEOGRAPHIES.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label>
          Plan
          <select name="plan" value={plan} onChange={(e) => setPlan(e.currentTarget.value)}>
            <option>paid</option>
            <option>trial</option>
          </select>
        </label>
        <label>
          Capacity (bots) <input name="capacity" type="number" min={0} value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Create environment
        </button>
      </form>
      <ProblemBox problem={action.problem} />
    </Section>
  );
}

export function EnvironmentsView() {
  const { me } = useConsole();
  return (
    <>
      <h1>Environments</h1>
      <Section title="Your environments" id="environments">
        {me.environments.length === 0 ? (
          <p class="muted">You are not a member of any environment yet.</p>
        ) : (
          <ul class="link-list">
            {me.environments.map((env) => (
              <li key={env.id}>
                <a href={hrefOf({ name: 'environment', env: env.id })}>{env.name}</a> <span class="muted">{env.roles.join(', ')}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      {canCreateEnvironment(me) ? <CreateEnvironment /> : null}
    </>
  );
}
