import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditQuery } from '../../../adapters/cosmos/cosmos-audit-log.js';
import { runSearchQuery } from '../../../adapters/cosmos/cosmos-run-queries.js';
import { RUNS_CONTAINER } from '../../../app/config/infra-definitions.js';
import type { RunFilter } from '../../../app/runs/run-store.js';
import { repoRoot } from './bicep-source.js';
import { sourceFiles } from './code-scan.js';

/**
 * Every ORDER BY the code issues with filters is served by a composite index of infra/definitions/cosmos.json: the
 * equality-filtered paths (in any order), then the sorted path in the query's direction. Without one Cosmos still
 * answers, but reads the whole range index of the sorted path: the cost grows with the partition, not the page.
 * The partition key (environmentId) is not part of the index: every query names its partition.
 */
interface CompositePath {
  path: string;
  order: string;
}
interface Container {
  name: string;
  indexingPolicy?: { compositeIndexes?: CompositePath[][] };
}
const cosmos = JSON.parse(readFileSync(join(repoRoot, 'infra/definitions/cosmos.json'), 'utf8')) as { containers: Container[] };

interface OrderedQuery {
  where: string;
  container: string;
  equal: string[];
  orderBy: string;
  descending: boolean;
}

function covered(q: OrderedQuery): boolean {
  const indexes = cosmos.containers.find((c) => c.name === q.container)?.indexingPolicy?.compositeIndexes ?? [];
  const wanted = new Set(q.equal.filter((f) => f !== 'environmentId' && f !== q.orderBy).map((f) => `/${f}`));
  return indexes.some((index) => {
    const last = index[index.length - 1];
    const prefix = index.slice(0, -1).map((p) => p.path);
    return (
      last?.path === `/${q.orderBy}` &&
      last.order === (q.descending ? 'descending' : 'ascending') &&
      prefix.length === wanted.size &&
      prefix.every((p) => wanted.has(p))
    );
  });
}

/** Blank comments (strings kept), positions unchanged. */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));

/** Index of the bracket closing the one at `open`, skipping strings. */
function closing(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let k = open; k < text.length; k++) {
    const c = text[k] as string;
    if (c === "'" || c === '"' || c === '`') {
      k = text.indexOf(c, k + 1);
      if (k < 0) return -1;
      continue;
    }
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/** Top-level comma-separated parts of a bracketed text's inside. */
function topLevelParts(inside: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < inside.length; k++) {
    const c = inside[k] as string;
    if (c === "'" || c === '"' || c === '`') {
      k = inside.indexOf(c, k + 1);
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inside.slice(start, k).trim());
      start = k + 1;
    }
  }
  parts.push(inside.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** The keys of an object literal field (`where: { groupId: x, state }`) of an options literal. */
function keysOf(options: string, field: string): string[] {
  const at = new RegExp(`\\b${field}:\\s*\\{`).exec(options);
  if (!at) return [];
  const open = at.index + at[0].length - 1;
  return topLevelParts(options.slice(open + 1, closing(options, open))).map((p) => /^(\w+)/.exec(p)?.[1] ?? p);
}

const STORES: Record<string, string> = { 'deps.store': 'control', 'deps.botStore': 'bots', 'deps.runs.docs': RUNS_CONTAINER };
const files = sourceFiles(['domain', 'app', 'adapters', 'api', 'composition', 'protocol', 'orchestrations', 'functions']).map((f) => ({
  ...f,
  text: withoutComments(f.text),
}));

/** Every DocumentStore `list` call: `ORDER BY c.<orderBy>` (createdAt by default) after equality on type and `where`/`whereIn`. */
function storeListQueries(): { queries: OrderedQuery[]; unreadable: string[] } {
  const queries: OrderedQuery[] = [];
  const unreadable: string[] = [];
  for (const { rel, text } of files) {
    for (const m of text.matchAll(/([\w.]+)\.list<[^>(]*>\(/g)) {
      const where = `${rel}:${text.slice(0, m.index).split('\n').length}`;
      const container = STORES[m[1] ?? ''];
      if (!container) {
        unreadable.push(`${where}: list on ${m[1]} (which container?)`);
        continue;
      }
      const open = (m.index ?? 0) + m[0].length - 1;
      const args = topLevelParts(text.slice(open + 1, closing(text, open)));
      const options = args[2] ?? '{}';
      if (!options.startsWith('{')) {
        unreadable.push(`${where}: options not written as an object literal`);
        continue;
      }
      const orderBy = /\borderBy:\s*'(\w+)'/.exec(options)?.[1] ?? (/\borderBy\b/.test(options) ? undefined : 'createdAt');
      if (!orderBy) {
        unreadable.push(`${where}: orderBy not a literal`);
        continue;
      }
      queries.push({
        where,
        container,
        equal: ['type', ...keysOf(options, 'where'), ...keysOf(options, 'whereIn')],
        orderBy,
        descending: /\bdescending:\s*true\b/.test(options),
      });
    }
  }
  return { queries, unreadable };
}

/** An SQL text's ORDER BY query: equality (`=`, `IN`) paths outside OR groups, and the sort. */
function parseSql(sql: string, where: string, container: string): OrderedQuery {
  const order = /ORDER BY c\.(\w+)(?:\s+(ASC|DESC))?\s*$/.exec(sql.trim());
  expect(order, `${where}: one ORDER BY path at the end of ${sql}`).toBeTruthy();
  const filters = sql
    .slice(0, order?.index)
    .replace(/\bIN\s*\([^()]*\)/g, 'IN @list')
    .replace(/\([^()]*\bOR\b[^()]*\)/g, '');
  const equal = [...filters.matchAll(/c\.(\w+)\s*(?:=|IN\b)/g)].map((e) => e[1] as string);
  return { where, container, equal, orderBy: order?.[1] ?? '', descending: order?.[2] === 'DESC' };
}

/** Files whose SQL is written out (not through the DocumentStore), and the container they query. */
const SQL_FILES: Record<string, string> = {
  'adapters/cosmos/cosmos-run-queries.ts': RUNS_CONTAINER,
  'adapters/cosmos/cosmos-run-counts.ts': RUNS_CONTAINER,
};
/** Files building an ORDER BY at run time, each checked another way here. */
const DYNAMIC = new Set(['adapters/cosmos/cosmos-document-store.ts', 'adapters/cosmos/cosmos-run-queries.ts', 'adapters/cosmos/cosmos-audit-log.ts']);

describe('composite indexes cover every filtered ORDER BY', () => {
  it('tells a served query from one no index serves', () => {
    expect(
      covered({ where: 'x', container: RUNS_CONTAINER, equal: ['environmentId', 'type', 'groupId', 'state'], orderBy: 'dispatchKey', descending: false }),
    ).toBe(true);
    expect(covered({ where: 'x', container: RUNS_CONTAINER, equal: ['type', 'groupId', 'state'], orderBy: 'dispatchKey', descending: true })).toBe(false);
    expect(covered({ where: 'x', container: RUNS_CONTAINER, equal: ['type', 'botId'], orderBy: 'queuedAt', descending: true })).toBe(false);
  });

  it('reads every DocumentStore list call', () => {
    const { queries, unreadable } = storeListQueries();
    expect(unreadable).toEqual([]);
    expect(queries.length).toBeGreaterThan(10);
  });

  it('covers every DocumentStore list (ORDER BY createdAt unless told otherwise)', () => {
    const missing = storeListQueries().queries.filter((q) => !covered(q));
    expect(missing.map((q) => `${q.where}: ${q.container} (${q.equal.join(', ')}) ORDER BY ${q.orderBy}${q.descending ? ' DESC' : ''}`)).toEqual([]);
  });

  it('covers every ORDER BY written as SQL, and knows every place that writes one', () => {
    const queries: OrderedQuery[] = [];
    const strange: string[] = [];
    for (const { rel, text } of files) {
      for (const m of text.matchAll(/(['"`])((?:(?!\1)[^\\]|\\.)*?ORDER BY(?:(?!\1)[^\\]|\\.)*?)\1/g)) {
        const sql = m[2] ?? '';
        const where = `${rel}:${text.slice(0, m.index).split('\n').length}`;
        if (sql.includes('${')) {
          if (!DYNAMIC.has(rel)) strange.push(`${where}: an ORDER BY built at run time; check it here`);
          continue;
        }
        const container = SQL_FILES[rel];
        if (!container) {
          strange.push(`${where}: SQL with ORDER BY in a file this test does not map to a container`);
          continue;
        }
        queries.push(parseSql(sql, where, container));
      }
    }
    expect(strange).toEqual([]);
    expect(queries.length).toBeGreaterThanOrEqual(4);
    expect(queries.filter((q) => !covered(q)).map((q) => `${q.where}: (${q.equal.join(', ')}) ORDER BY ${q.orderBy}`)).toEqual([]);
  });

  it('covers the environment runs list with no filter or one of its filters (or group and state): wider combinations and the visibility OR fall back to the range index', () => {
    const filters: RunFilter[] = [
      {},
      { state: 'Queued' },
      { groupId: 'g' },
      { groupId: 'g', state: 'Succeeded' },
      { desktopFlowId: 'f' },
      { submittedBy: 'u' },
      { from: 'a', to: 'b' },
      { visibleTo: { groupIds: ['g'], userId: 'u' } },
    ];
    for (const filter of filters) {
      const q = parseSql(runSearchQuery(filter).sql, `runSearchQuery(${JSON.stringify(filter)})`, RUNS_CONTAINER);
      expect(covered(q), q.where).toBe(true);
    }
  });

  it('covers the audit log with no filter, actor or targetId (with or without a time range)', () => {
    for (const filter of [{}, { actor: 'u' }, { targetId: 't' }, { actor: 'u', from: 'a', to: 'b' }, { from: 'a' }]) {
      const q = parseSql(auditQuery(filter).sql, `auditQuery(${JSON.stringify(filter)})`, 'control');
      expect(covered(q), q.where).toBe(true);
    }
  });
});
