import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Just enough of Bicep's lexical structure to check the infra without the compiler (which cannot run here):
 * comments, single-line strings with `${...}` interpolation and `'''` multi-line strings are masked so that
 * braces, keys and declarations can be found in the code that remains. Positions in a masked text are the
 * positions in the source, so anything found in one is read from the other.
 */

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const infraDir = join(repoRoot, 'infra');

export class BicepLexError extends Error {}

/** `strings: true` blanks string contents (quotes stay) and comments; `false` blanks comments only. */
export function mask(source: string, options: { strings: boolean } = { strings: true }): string {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  const lineOf = (at: number) => source.slice(0, at).split('\n').length;

  // Returns the index just past the string that opens at `start` (a single quote).
  const skipString = (start: number): number => {
    if (source.startsWith("'''", start)) {
      const end = source.indexOf("'''", start + 3);
      if (end < 0) throw new BicepLexError(`unterminated ''' string from line ${lineOf(start)}`);
      return end + 3;
    }
    let k = start + 1;
    while (k < source.length) {
      const c = source[k];
      if (c === '\\') k += 2;
      else if (c === "'") return k + 1;
      else if (c === '\n') throw new BicepLexError(`unterminated string on line ${lineOf(start)}`);
      else if (c === '$' && source[k + 1] === '{') k = skipExpression(k + 2, '}');
      else k++;
    }
    throw new BicepLexError(`unterminated string on line ${lineOf(start)}`);
  };

  // Skips an interpolated expression up to its closing brace (nested braces and strings included).
  const skipExpression = (start: number, close: string): number => {
    let depth = 0;
    let k = start;
    while (k < source.length) {
      const c = source[k];
      if (c === "'") {
        k = skipString(k);
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && depth > 0) depth--;
      else if (c === close) return k + 1;
      k++;
    }
    throw new BicepLexError(`unterminated interpolation from line ${lineOf(start)}`);
  };

  let i = 0;
  while (i < source.length) {
    if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      blank(i, stop);
      i = stop;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new BicepLexError(`unterminated /* comment from line ${lineOf(i)}`);
      blank(i, end + 2);
      i = end + 2;
    } else if (source[i] === "'") {
      const end = skipString(i);
      if (options.strings) {
        const quote = source.startsWith("'''", i) ? 3 : 1;
        blank(i + quote, end - quote);
      }
      i = end;
    } else i++;
  }
  return out.join('');
}

const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
const CLOSERS = new Set(Object.values(OPENERS));

/** Unbalanced or mismatched braces, brackets and parentheses of a masked text, as readable messages. */
export function balanceProblems(masked: string): string[] {
  const stack: Array<{ char: string; line: number }> = [];
  const problems: string[] = [];
  let line = 1;
  for (const c of masked) {
    if (c === '\n') line++;
    else if (OPENERS[c]) stack.push({ char: c, line });
    else if (CLOSERS.has(c)) {
      const open = stack.pop();
      if (!open) problems.push(`'${c}' on line ${line} closes nothing`);
      else if (OPENERS[open.char] !== c) problems.push(`'${c}' on line ${line} closes '${open.char}' of line ${open.line}`);
    }
  }
  for (const open of stack) problems.push(`'${open.char}' of line ${open.line} is never closed`);
  return problems;
}

/** Index of the bracket that closes the one at `open`, in a masked text. */
export function matchingClose(masked: string, open: number): number {
  let depth = 0;
  for (let k = open; k < masked.length; k++) {
    const c = masked[k] as string;
    if (OPENERS[c]) depth++;
    else if (CLOSERS.has(c) && --depth === 0) return k;
  }
  throw new BicepLexError(`bracket at ${open} is never closed`);
}

export interface BicepFile {
  /** path relative to the repository, with forward slashes */
  rel: string;
  abs: string;
  source: string;
  /** strings and comments blanked */
  masked: string;
  /** comments blanked, strings kept */
  code: string;
}

export function readBicep(relPath: string): BicepFile {
  const abs = resolve(repoRoot, relPath);
  const source = readFileSync(abs, 'utf8');
  return { rel: relative(repoRoot, abs).split('\\').join('/'), abs, source, masked: mask(source), code: mask(source, { strings: false }) };
}

/** Every .bicep and .bicepparam file under infra/. */
export function infraFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.bicep(param)?$/.test(entry.name)) found.push(relative(repoRoot, path).split('\\').join('/'));
    }
  };
  walk(infraDir);
  return found.sort();
}

export type DeclarationKind = 'param' | 'var' | 'resource' | 'module' | 'output' | 'type' | 'func';

export interface Declaration {
  kind: DeclarationKind;
  name: string;
  /** resource type (`Microsoft.X/y@version`) or module path, as written */
  target?: string;
  /** whether a param declares a default value (`= ...`) */
  hasDefault: boolean;
  /** source of the whole declaration, comments blanked */
  code: string;
  /** masked source of the whole declaration */
  masked: string;
  /** offset of the declaration in the file */
  start: number;
  /** offset of the declaration's body brace or bracket, if it has one */
  bodyStart?: number;
  bodyEnd?: number;
}

const DECLARATION = /^(param|var|resource|module|output|type|func)\s+([A-Za-z_][A-Za-z0-9_]*)/;

/** The top-level declarations of a Bicep file, in order. */
export function declarations(file: BicepFile): Declaration[] {
  const { masked, code } = file;
  const starts: Array<{ at: number; kind: DeclarationKind; name: string }> = [];
  // a declaration ends where the next one, or the decorators of the next one, begin
  const boundaries: number[] = [];
  let depth = 0;
  let lineStart = 0;
  for (let k = 0; k <= masked.length; k++) {
    if (k === lineStart && depth === 0) {
      const lineEnd = masked.indexOf('\n', k);
      const line = masked.slice(k, lineEnd < 0 ? undefined : lineEnd);
      const match = DECLARATION.exec(line);
      if (match) starts.push({ at: k, kind: match[1] as DeclarationKind, name: match[2] as string });
      if (match || /^\s*@/.test(line) || /^(targetScope|using|import|metadata)\b/.test(line)) boundaries.push(k);
    }
    const c = masked[k];
    if (c === undefined) break;
    if (c === '\n') lineStart = k + 1;
    else if (OPENERS[c]) depth++;
    else if (CLOSERS.has(c)) depth--;
  }
  return starts.map((s) => {
    const next = boundaries.find((b) => b > s.at) ?? masked.length;
    const declMasked = masked.slice(s.at, next);
    const declCode = code.slice(s.at, next);
    let target: string | undefined;
    if (s.kind === 'resource' || s.kind === 'module') {
      const quote = declMasked.indexOf("'");
      const close = declMasked.indexOf("'", quote + 1);
      if (quote >= 0 && close > quote) target = declCode.slice(quote + 1, close);
    }
    const equals = declMasked.indexOf('=');
    const hasDefault = s.kind === 'param' ? equals >= 0 : true;
    let bodyStart: number | undefined;
    let bodyEnd: number | undefined;
    if (equals >= 0) {
      const rel = declMasked.slice(equals).search(/[{[]/);
      // resources and modules: `= {`, `= if (...) {`, `= [for ...: {` ; vars and outputs: a literal after `=`
      if (rel >= 0) {
        const before = declMasked.slice(equals + 1, equals + rel).trim();
        if (before === '' || /^if\s*\(/.test(before) || s.kind === 'resource' || s.kind === 'module') {
          bodyStart = s.at + equals + rel;
          bodyEnd = matchingClose(masked, bodyStart);
        }
      }
    }
    return { kind: s.kind, name: s.name, target, hasDefault, code: declCode, masked: declMasked, start: s.at, bodyStart, bodyEnd };
  });
}

export interface ObjectEntry {
  key: string;
  /** the value's source (comments blanked), trimmed */
  value: string;
  /** offset of the value in the file */
  valueStart: number;
}

/** The keys written directly inside the object literal whose `{` is at `open`, with their values. */
export function objectEntries(file: BicepFile, open: number): ObjectEntry[] {
  const close = matchingClose(file.masked, open);
  const entries: Array<{ key: string; valueStart: number; keyStart: number }> = [];
  let depth = 0;
  for (let k = open + 1; k < close; k++) {
    const c = file.masked[k] as string;
    if (depth === 0 && (k === open + 1 || file.masked[k - 1] === '\n')) {
      const lineEnd = file.masked.indexOf('\n', k);
      const line = file.masked.slice(k, lineEnd < 0 || lineEnd > close ? close : lineEnd);
      const match = /^(\s*)([A-Za-z_][A-Za-z0-9_]*|'\s*')\s*:/.exec(line);
      if (match) {
        const keyStart = k + (match[1] as string).length;
        const keyMasked = match[2] as string;
        const key = keyMasked.startsWith("'") ? file.code.slice(keyStart + 1, keyStart + keyMasked.length - 1) : keyMasked;
        entries.push({ key, keyStart, valueStart: k + match[0].length });
      }
    }
    if (OPENERS[c]) depth++;
    else if (CLOSERS.has(c)) depth--;
  }
  return entries.map((e, index) => ({
    key: e.key,
    valueStart: e.valueStart,
    value: file.code.slice(e.valueStart, entries[index + 1]?.keyStart ?? close).trim(),
  }));
}

/** Entries of the object that is the value of `key` directly inside the object at `open`. */
export function nestedEntries(file: BicepFile, open: number, key: string): ObjectEntry[] | undefined {
  const entry = objectEntries(file, open).find((e) => e.key === key);
  if (!entry) return undefined;
  const brace = file.masked.indexOf('{', entry.valueStart);
  return brace < 0 ? undefined : objectEntries(file, brace);
}

/** The object body of a resource or module (inside `[for x in y: {...}]` when it loops). */
export function bodyObjectStart(file: BicepFile, decl: Declaration): number | undefined {
  if (decl.bodyStart === undefined) return undefined;
  return file.masked[decl.bodyStart] === '{' ? decl.bodyStart : file.masked.indexOf('{', decl.bodyStart);
}

/** `[for <item> in <source>:` of a looping resource or module, if it loops. */
export function loopOf(file: BicepFile, decl: Declaration): { item: string; source: string } | undefined {
  if (decl.bodyStart === undefined || file.masked[decl.bodyStart] !== '[') return undefined;
  const match = /^\[\s*for\s+\(?\s*([A-Za-z_]\w*)(?:\s*,\s*[A-Za-z_]\w*)?\s*\)?\s+in\s+([^:]+):/.exec(file.code.slice(decl.bodyStart));
  return match ? { item: match[1] as string, source: (match[2] as string).trim() } : undefined;
}

/** Resolves a module path written in `from` (relative, not a registry reference) to a repository path. */
export function resolveModulePath(from: BicepFile, target: string): string | undefined {
  if (/^(br|ts)[:/]/.test(target)) return undefined;
  return relative(repoRoot, resolve(dirname(from.abs), target))
    .split('\\')
    .join('/');
}

export function exists(relPath: string): boolean {
  return existsSync(resolve(repoRoot, relPath));
}

/** Every `loadJsonContent('<path>')` of a file, as repository paths, with the variable it is assigned to. */
export function jsonLoads(file: BicepFile): Array<{ variable?: string; path: string }> {
  const loads: Array<{ variable?: string; path: string }> = [];
  for (const decl of declarations(file)) {
    for (const match of decl.code.matchAll(/loadJsonContent\(\s*'([^']+)'/g)) {
      const path = relative(repoRoot, resolve(dirname(file.abs), match[1] as string))
        .split('\\')
        .join('/');
      loads.push({ variable: decl.kind === 'var' ? decl.name : undefined, path });
    }
  }
  return loads;
}
