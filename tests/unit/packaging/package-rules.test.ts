import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { azdPackageFiles, coreToolsPackageFiles } from '../../../packaging/package-rules.js';

let root = '';

function aFolder(files: Record<string, string>): string {
  root = mkdtempSync(path.join(tmpdir(), 'rules-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const APP = {
  'host.json': '{}',
  'package.json': '{}',
  'dist/functions/api.js': '',
  'dist/agent/main.js': '',
  'dist/infra/definitions/cosmos.json': '{}',
  'agent/main.ts': '',
  'infra/main.bicep': '',
  'node_modules/zod/package.json': '{}',
  'local.settings.json': '{}',
};

describe('.funcignore under gitignore rules, as azd and Core Tools read it', () => {
  it('drops dist/agent/ and dist/infra/ when agent/ and infra/ are unanchored (the fault of the first round)', () => {
    const dir = aFolder({ ...APP, '.funcignore': 'agent/\ninfra/\n*.ts\n' });
    for (const files of [azdPackageFiles(dir, { remoteBuild: false }), coreToolsPackageFiles(dir)]) {
      expect(files).not.toContain('dist/agent/main.js');
      expect(files).not.toContain('dist/infra/definitions/cosmos.json');
      expect(files).toContain('dist/functions/api.js');
    }
  });

  it('keeps them when the patterns are anchored', () => {
    const dir = aFolder({ ...APP, '.funcignore': '/agent/\n/infra/\n*.ts\n' });
    for (const files of [azdPackageFiles(dir, { remoteBuild: false }), coreToolsPackageFiles(dir)]) {
      expect(files).toEqual(expect.arrayContaining(['dist/agent/main.js', 'dist/infra/definitions/cosmos.json', 'node_modules/zod/package.json']));
      expect(files).not.toContain('agent/main.ts');
      expect(files).not.toContain('local.settings.json');
      expect(files).not.toContain('.funcignore');
    }
  });

  it('azd without a .funcignore leaves node_modules out unless remoteBuild is false', () => {
    const dir = aFolder(APP);
    expect(azdPackageFiles(dir, { remoteBuild: true })).not.toContain('node_modules/zod/package.json');
    expect(azdPackageFiles(dir, { remoteBuild: false })).toContain('node_modules/zod/package.json');
  });
});
