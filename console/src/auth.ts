import { PublicClientApplication, type AccountInfo } from '@azure/msal-browser';
import type { ConsoleConfig } from './config.js';
import { SESSION_TOKEN_KEY, type StoredToken } from './session-key.js';

/**
 * Where the console's bearer token comes from: MSAL (Entra ID) when config.json names the API's app registration,
 * otherwise a token a local sign-in page left in this tab's session storage (same origin).
 */
export interface Session {
  userLabel: string;
  token(): Promise<string>;
  signOut(): Promise<void>;
}

function storedToken(): StoredToken | undefined {
  const raw = sessionStorage.getItem(SESSION_TOKEN_KEY);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredToken>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.userId !== 'string' || typeof parsed.expiresAt !== 'string') return undefined;
    if (Date.parse(parsed.expiresAt) < Date.now() + 30_000) return undefined;
    return parsed as StoredToken;
  } catch {
    return undefined;
  }
}

/** The page is on its way to Entra ID's sign-in (it comes back to the console with a code). */
export const REDIRECTING = 'redirecting';

async function msalSession(entra: NonNullable<ConsoleConfig['entra']>): Promise<Session | typeof REDIRECTING> {
  const msal = new PublicClientApplication({
    auth: { clientId: entra.clientId, authority: entra.authority, redirectUri: new URL('./', location.href).href },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const redirected = await msal.handleRedirectPromise();
  const account: AccountInfo | undefined = redirected?.account ?? msal.getAllAccounts()[0];
  if (!account) {
    await msal.loginRedirect({ scopes: entra.scopes });
    return REDIRECTING;
  }
  msal.setActiveAccount(account);
  return {
    userLabel: account.name ?? account.username,
    async token() {
      try {
        return (await msal.acquireTokenSilent({ scopes: entra.scopes, account })).accessToken;
      } catch {
        await msal.acquireTokenRedirect({ scopes: entra.scopes, account });
        throw new Error('Signing in again…');
      }
    },
    signOut: () => msal.logoutRedirect({ account }),
  };
}

/** The signed-in session, or undefined when the caller must sign in first (the console shows how). */
export async function startSession(config: ConsoleConfig): Promise<Session | typeof REDIRECTING | undefined> {
  if (config.entra) return msalSession(config.entra);
  const stored = storedToken();
  if (!stored) return undefined;
  return {
    userLabel: stored.userId,
    token: async () => {
      const current = storedToken();
      if (!current) throw new Error('The session has expired: sign in again.');
      return current.accessToken;
    },
    signOut: async () => {
      sessionStorage.removeItem(SESSION_TOKEN_KEY);
      location.hash = '#/sign-in';
      location.reload();
    },
  };
}
