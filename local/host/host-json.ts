import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The host.json settings the local host applies, read as the Functions host reads them. */
export interface HostJsonSettings {
  routePrefix: string;
  /** `functionTimeout` in ms; undefined when unbounded (`-1`) */
  functionTimeoutMs: number | undefined;
  /** `extensions.durableTask.hubName` with `%SETTING%` resolved; undefined when host.json names none */
  durableTaskHub: string | undefined;
}

/** Consumption/Flex default when host.json says nothing (Flex: 30 minutes). */
const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;

/** .NET TimeSpan text as host.json uses it: `hh:mm:ss`, `d.hh:mm:ss`, or `-1` for unbounded. */
export function parseTimeSpan(text: string): number | undefined {
  if (text.trim() === '-1') return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text.trim());
  if (!m) throw new Error(`host.json: "${text}" is not a TimeSpan (hh:mm:ss)`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = m;
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/** `%NAME%` app-setting references, resolved as the host does; an unresolved one fails the host's start. */
export function resolveSettingReferences(value: string, settings: NodeJS.ProcessEnv): string {
  return value.replace(/%([^%]+)%/g, (_all, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined || resolved === '') throw new Error(`host.json: '%${name}%' does not resolve to a value (app setting ${name} is not set)`);
    return resolved;
  });
}

export function readHostJson(appDir: string, settings: NodeJS.ProcessEnv): HostJsonSettings {
  const json = JSON.parse(readFileSync(path.join(appDir, 'host.json'), 'utf8')) as {
    functionTimeout?: string;
    extensions?: { http?: { routePrefix?: string }; durableTask?: { hubName?: string } };
  };
  const hub = json.extensions?.durableTask?.hubName;
  return {
    routePrefix: json.extensions?.http?.routePrefix ?? 'api',
    functionTimeoutMs: json.functionTimeout === undefined ? DEFAULT_FUNCTION_TIMEOUT_MS : parseTimeSpan(json.functionTimeout),
    durableTaskHub: hub === undefined ? undefined : resolveSettingReferences(hub, settings),
  };
}
