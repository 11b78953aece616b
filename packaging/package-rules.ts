import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * Which files of a folder end up in the zip a deployment tool uploads. Both tools read `.funcignore` with
 * gitignore rules (implemented here by the `ignore` package, which follows git's documented pattern rules):
 * an unanchored `agent/` drops every folder named agent at any depth, `dist/agent/` included.
 */
export const FUNCIGNORE = '.funcignore';

function rulesOf(root: string): Ignore | undefined {
  const file = path.join(root, FUNCIGNORE);
  if (!existsSync(file)) return undefined;
  // a UTF-8 BOM would become part of the first pattern (azd strips it too)
  return ignore().add(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
}

function walk(root: string, keep: (relative: string, isDir: boolean) => boolean, relative = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(path.join(root, child)).isDirectory());
    if (!keep(child, isDir)) continue;
    if (isDir) files.push(...walk(root, keep, child));
    else files.push(child);
  }
  return files;
}

/**
 * azd (`azd package` / `azd deploy` of a `host: function` service): azure-dev cli/azd/pkg/project/project_utils.go
 * `createDeployableZip`. Skips `.azure/`, the ignore file and `local.settings.json`; with a `.funcignore`, its rules
 * (an ignored folder is not entered); without one, a JavaScript service leaves out `node_modules/` unless
 * `remoteBuild: false`.
 */
export function azdPackageFiles(root: string, options: { remoteBuild: boolean }): string[] {
  const rules = rulesOf(root);
  return walk(root, (relative, isDir) => {
    const name = path.posix.basename(relative);
    if (isDir && name === '.azure') return false;
    if (!isDir && (name === FUNCIGNORE || name === 'local.settings.json')) return false;
    if (rules) return !rules.ignores(isDir ? `${relative}/` : relative);
    return !(isDir && name === 'node_modules' && options.remoteBuild);
  }).sort();
}

/**
 * Core Tools (`func azure functionapp publish`): azure-functions-core-tools src/Cli/func/Common/FileSystemHelpers.cs
 * `GetLocalFiles`. Never enters `.git/` or `.vscode/`, leaves out `.funcignore`, `.gitignore`, `local.settings.json`
 * and `project.lock.json`, and tests every file's relative path against `.funcignore`.
 */
export function coreToolsPackageFiles(root: string): string[] {
  const rules = rulesOf(root);
  const skippedFiles = new Set(['.funcignore', '.gitignore', 'local.settings.json', 'project.lock.json']);
  return walk(root, (relative, isDir) => {
    const name = path.posix.basename(relative).toLowerCase();
    if (isDir) return name !== '.git' && name !== '.vscode';
    if (skippedFiles.has(name)) return false;
    return rules ? !rules.ignores(relative) : true;
  }).sort();
}
