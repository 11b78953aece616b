/** `config.json`, served by the console's Functions route from the app settings. */
export interface ConsoleConfig {
  /** Entra ID sign-in (MSAL); absent where the API's issuer is not Entra ID (the local cloud) */
  entra?: { clientId: string; authority: string; scopes: string[] };
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) return {};
  return (await response.json()) as ConsoleConfig;
}
