import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api.js';
import type { Session } from './auth.js';
import { Console, type Me } from './context.js';
import { usePoll } from './poll.js';
import { hrefOf, parseHash, type View } from './routes.js';
import { Loading, ProblemBox } from './views/common.js';
import { EnvironmentView } from './views/environment.js';
import { EnvironmentsView } from './views/environments.js';
import { GroupView } from './views/group.js';
import { AuditView, MaintenanceView } from './views/logs.js';
import { RunView } from './views/run.js';
import { SignInView } from './views/sign-in.js';

function useView(): View {
  const [view, setView] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => {
      setView(parseHash(location.hash));
      document.getElementById('main')?.focus();
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return view;
}

function Content({ view }: { view: View }) {
  switch (view.name) {
    case 'environments':
    case 'signIn':
      return <EnvironmentsView />;
    case 'environment':
      return <EnvironmentView env={view.env} />;
    case 'group':
      return <GroupView key={view.group} env={view.env} group={view.group} />;
    case 'run':
      return <RunView key={view.run} env={view.env} run={view.run} />;
    case 'maintenance':
      return <MaintenanceView env={view.env} />;
    case 'audit':
      return <AuditView env={view.env} />;
    case 'notFound':
      return (
        <>
          <h1>Not found</h1>
          <p>
            Nothing in the console answers <code>{view.path}</code>. <a href={hrefOf({ name: 'environments' })}>Back to your environments</a>.
          </p>
        </>
      );
  }
}

function Shell({ session, children, signedIn }: { session: Session | undefined; signedIn: boolean; children: preact.ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={hrefOf({ name: 'environments' })}>
          Hosted RPA console
        </a>
        {signedIn && session ? (
          <span class="who">
            <span data-testid="signed-in-as">{session.userLabel}</span>{' '}
            <button type="button" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function App({ session }: { session: Session | undefined }) {
  const view = useView();
  const api = useMemo(() => new ApiClient(session ? session.token : () => Promise.reject(new Error('Not signed in'))), [session]);
  const me = usePoll<Me>(api, session ? 'me' : undefined, 5000);
  if (!session) {
    return (
      <Shell session={undefined} signedIn={false}>
        <SignInView />
      </Shell>
    );
  }
  return (
    <Shell session={session} signedIn>
      {me.data ? (
        <Console.Provider value={{ api, me: me.data, refreshMe: me.refresh }}>
          <Content view={view} />
        </Console.Provider>
      ) : me.error ? (
        <>
          <ProblemBox problem={me.error} />
          {me.error.status === 401 || me.error.status === 0 ? (
            <button type="button" onClick={() => void session.signOut()}>
              Sign in again
            </button>
          ) : null}
        </>
      ) : (
        <Loading what="your environments" />
      )}
    </Shell>
  );
}
