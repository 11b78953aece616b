/** The session-storage key under which a sign-in that is not MSAL's (the local cloud's) leaves the console its token. */
export const SESSION_TOKEN_KEY = 'hostedRpa.console.token';

/** What is stored under that key, as JSON. */
export interface StoredToken {
  accessToken: string;
  userId: string;
  /** ISO time */
  expiresAt: string;
}
