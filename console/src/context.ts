import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api.js';

export interface Me {
  id: string;
  name: string;
  platformAdmin: boolean;
  isApp: boolean;
  environments: Array<{ id: string; name: string; roles: string[] }>;
}

export interface ConsoleContext {
  api: ApiClient;
  me: Me;
  refreshMe(): void;
}

export const Console = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error('useConsole outside the console');
  return value;
}

/** The caller's roles in one environment (none when it is not a member). */
export function rolesIn(me: Me, env: string): string[] {
  return me.environments.find((e) => e.id === env)?.roles ?? [];
}
