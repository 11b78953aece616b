import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/** The repository's eslint.config.js, type-aware, on the fixtures under tests/fixtures/lint (which `npm run lint` skips). */
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures/lint');

type Reported = { rule: string | null; line: number };
let reported: Map<string, Reported[]>;

beforeAll(async () => {
  const eslint = new ESLint({ cwd: REPO_ROOT, ignore: false });
  const results = await eslint.lintFiles([path.join(FIXTURES, 'promise-misuse.ts'), path.join(FIXTURES, 'durable-orchestrator.ts')]);
  reported = new Map(results.map((r) => [path.basename(r.filePath), r.messages.map((m) => ({ rule: m.ruleId, line: m.line }))]));
}, 60_000);

describe('type-aware promise rules (eslint.config.js)', () => {
  it('reports a floating promise, a promise-returning callback where void is expected, and an unawaited return inside try', () => {
    expect(reported.get('promise-misuse.ts')).toEqual([
      { rule: '@typescript-eslint/no-floating-promises', line: 8 },
      { rule: '@typescript-eslint/no-misused-promises', line: 12 },
      { rule: '@typescript-eslint/return-await', line: 19 },
    ]);
  });

  it('does not flag an orchestrator that yields Durable tasks (they are not promises)', () => {
    expect(reported.get('durable-orchestrator.ts')).toEqual([]);
  });
});
