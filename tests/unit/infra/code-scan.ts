import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './bicep-source.js';

/**
 * What the production code asks of its app settings, read from the TypeScript source (no import: registering
 * functions needs the Functions runtime).
 */

/** The production TypeScript files under the given folders (tests excluded). */
export function sourceFiles(dirs: string[]): Array<{ rel: string; text: string }> {
  const found: Array<{ rel: string; text: string }> = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts)$/.test(entry.name) && !/\.(test|spec)\.m?ts$/.test(entry.name)) {
        found.push({ rel: relative(repoRoot, path).split('\\').join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  for (const dir of dirs) walk(join(repoRoot, dir));
  return found;
}

/** TypeScript with comments blanked (strings kept), positions unchanged. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Index just past the bracket closing the one at `open` (strings and template literals skipped). */
function closing(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let k = open; k < text.length; k++) {
    const c = text[k] as string;
    if (c === "'" || c === '"' || c === '`') {
      k = stringEnd(text, k) - 1;
      continue;
    }
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return k + 1;
    }
  }
  throw new Error('unbalanced brackets');
}

function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let k = start + 1; k < text.length; k++) {
    const c = text[k];
    if (c === '\\') k++;
    else if (quote === '`' && c === '$' && text[k + 1] === '{') k = closing(text, k + 1) - 1;
    else if (c === quote) return k + 1;
  }
  throw new Error('unterminated string');
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas, trimmed. */
function callArguments(text: string, open: number): string[] {
  const end = closing(text, open) - 1;
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let k = open + 1; k < end; k++) {
    const c = text[k] as string;
    if (c === "'" || c === '"' || c === '`') {
      k = stringEnd(text, k) - 1;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(from, k).trim());
      from = k + 1;
    }
  }
  const last = text.slice(from, end).trim();
  if (last) args.push(last);
  return args;
}

export interface TimerSchedules {
  /** app settings timer schedules read as %NAME%, with where */
  settings: Array<{ name: string; where: string }>;
  /** schedules written as a literal NCRONTAB (no setting) */
  literal: Array<{ schedule: string; where: string }>;
  /** schedule expressions this scan could not follow */
  unresolved: string[];
}

/**
 * Every timer schedule of the function registrations: `schedule: '%NAME%'`, or `schedule: \`%${param}%\`` in a
 * helper function whose callers pass the setting name as a string literal (functions/timers.ts does that).
 */
export function timerSchedules(dirs = ['functions']): TimerSchedules {
  const result: TimerSchedules = { settings: [], literal: [], unresolved: [] };
  for (const { rel, text: raw } of sourceFiles(dirs)) {
    const text = withoutComments(raw);
    const line = (at: number) => `${rel}:${text.slice(0, at).split('\n').length}`;
    for (const match of text.matchAll(/\bschedule\s*:\s*/g)) {
      const at = (match.index as number) + match[0].length;
      const quote = text[at];
      const value = quote === "'" || quote === '"' || quote === '`' ? text.slice(at, stringEnd(text, at)) : undefined;
      const setting = value ? /^['"`]%([A-Za-z0-9_]+)%['"`]$/.exec(value)?.[1] : undefined;
      if (setting) {
        result.settings.push({ name: setting, where: line(at) });
        continue;
      }
      const viaParam = value ? /^`%\$\{\s*([A-Za-z_$][\w$]*)\s*\}%`$/.exec(value)?.[1] : undefined;
      if (viaParam) {
        // the enclosing function and the position of the parameter
        const fn = [...text.slice(0, at).matchAll(/\bfunction\s+([A-Za-z_$][\w$]*)\s*\(/g)].pop();
        const params = fn ? callArguments(text, (fn.index as number) + fn[0].length - 1).map((p) => p.split(/[:=?]/)[0]!.trim()) : [];
        const index = params.indexOf(viaParam);
        if (!fn || index < 0) {
          result.unresolved.push(`${line(at)}: ${value}`);
          continue;
        }
        const name = fn[1] as string;
        const calls = [...text.matchAll(new RegExp(`(?<!function\\s+)\\b${name.replace(/\$/g, '\\$')}\\s*\\(`, 'g'))];
        if (calls.length === 0) result.unresolved.push(`${line(at)}: ${name}() is never called`);
        for (const call of calls) {
          const arg = callArguments(text, (call.index as number) + call[0].length - 1)[index] ?? '';
          const literal = /^['"`]([A-Za-z0-9_]+)['"`]$/.exec(arg)?.[1];
          if (literal) result.settings.push({ name: literal, where: line(call.index as number) });
          else result.unresolved.push(`${line(call.index as number)}: ${name}(... ${arg} ...)`);
        }
        continue;
      }
      if (value && /^['"`][^%$]+['"`]$/.test(value)) result.literal.push({ schedule: value, where: line(at) });
      else result.unresolved.push(`${line(at)}: schedule: ${value ?? text.slice(at, text.indexOf('\n', at))}`);
    }
  }
  return result;
}

/** Reads of `process.env` in the production code other than `loadAppConfig(process.env)`, which validates it whole. */
export function directEnvironmentReads(dirs: string[]): string[] {
  const reads: string[] = [];
  for (const { rel, text: raw } of sourceFiles(dirs)) {
    const text = withoutComments(raw);
    for (const match of text.matchAll(/\bprocess\s*(?:\.\s*env\b|\[\s*['"`]env['"`]\s*\])/g)) {
      const at = match.index as number;
      const before = text.slice(0, at);
      const after = text.slice(at + match[0].length);
      if (/\bloadAppConfig\s*\(\s*$/.test(before) && /^\s*\)/.test(after)) continue;
      reads.push(`${rel}:${before.split('\n').length}: ${text.slice(at, text.indexOf('\n', at)).trim()}`);
    }
  }
  return reads;
}
