import {
  bodyObjectStart,
  declarations,
  objectEntries,
  readBicep,
  resolveModulePath,
  type BicepFile,
  type Declaration,
  type ObjectEntry,
} from './bicep-source.js';

/** What the infra tests know about where things live in the Bicep (one place to change if the files move). */
export const MAIN = 'infra/main.bicep';
export const PARAMS = 'infra/main.bicepparam';
export const FUNCTION_APP = 'infra/modules/function-app.bicep';
export const ROLES = 'infra/modules/roles/roles.bicep';
export const COSMOS_JSON = 'infra/definitions/cosmos.json';
export const SERVICE_BUS_JSON = 'infra/definitions/service-bus.json';

export function declaration(file: BicepFile, kind: Declaration['kind'], name: string): Declaration {
  const found = declarations(file).find((d) => d.kind === kind && d.name === name);
  if (!found) throw new Error(`${file.rel} has no ${kind} named ${name}`);
  return found;
}

export function declarationsOf(file: BicepFile, kind: Declaration['kind']): Declaration[] {
  return declarations(file).filter((d) => d.kind === kind);
}

/** Top-level entries of a resource's or module's body (`name`, `scope`, `params`, `properties`, ...). */
export function bodyEntries(file: BicepFile, decl: Declaration): ObjectEntry[] {
  const open = bodyObjectStart(file, decl);
  if (open === undefined) throw new Error(`${file.rel}: ${decl.kind} ${decl.name} has no body`);
  return objectEntries(file, open);
}

/** Entries of the object literal that is the value of `entry` (e.g. a module's `params`). */
export function entriesOf(file: BicepFile, entry: ObjectEntry | undefined): ObjectEntry[] {
  if (!entry) return [];
  const brace = file.masked.indexOf('{', entry.valueStart);
  if (brace < 0 || file.masked.slice(entry.valueStart, brace).trim() !== '') return [];
  return objectEntries(file, brace);
}

/** The `params: {...}` a module call passes. */
export function moduleParams(file: BicepFile, module: Declaration): ObjectEntry[] {
  return entriesOf(
    file,
    bodyEntries(file, module).find((e) => e.key === 'params'),
  );
}

/** The Bicep file a module declaration points at (undefined for registry modules). */
export function moduleFile(file: BicepFile, module: Declaration): BicepFile | undefined {
  const path = module.target ? resolveModulePath(file, module.target) : undefined;
  return path ? readBicep(path) : undefined;
}

/** The default value of a param, as written (undefined without one). */
export function paramDefault(file: BicepFile, name: string): string | undefined {
  const decl = declaration(file, 'param', name);
  if (!decl.hasDefault) return undefined;
  return decl.code.slice(decl.masked.indexOf('=') + 1).trim();
}

export interface AppSetting {
  key: string;
  value: string;
  file: string;
}

/**
 * Every app setting the Bicep gives the function app: the `appSettings` object main.bicep passes to the
 * function-app module, plus the module's own `hostSettings`, both merged into its `sites/config` appsettings
 * (the test also checks that merge, so a setting cannot sit in an object nothing applies).
 */
export function appSettings(): Map<string, AppSetting> {
  const main = readBicep(MAIN);
  const functionAppModule = declarationsOf(main, 'module').find((m) => m.target && resolveModulePath(main, m.target) === FUNCTION_APP);
  if (!functionAppModule) throw new Error(`${MAIN} does not call ${FUNCTION_APP}`);
  const fromMain = entriesOf(
    main,
    moduleParams(main, functionAppModule).find((e) => e.key === 'appSettings'),
  );
  const app = readBicep(FUNCTION_APP);
  const fromHost = bodyEntries(app, declaration(app, 'var', 'hostSettings'));
  const settings = new Map<string, AppSetting>();
  for (const e of fromMain) settings.set(e.key, { key: e.key, value: e.value, file: MAIN });
  for (const e of fromHost) settings.set(e.key, { key: e.key, value: e.value, file: FUNCTION_APP });
  return settings;
}

/** The `properties` expression of the function app's `Microsoft.Web/sites/config` `appsettings` resource. */
export function appSettingsResourceProperties(): string | undefined {
  const app = readBicep(FUNCTION_APP);
  for (const decl of declarationsOf(app, 'resource')) {
    if (!decl.target?.startsWith('Microsoft.Web/sites/config@')) continue;
    const entries = bodyEntries(app, decl);
    if (entries.find((e) => e.key === 'name')?.value !== "'appsettings'") continue;
    return entries.find((e) => e.key === 'properties')?.value;
  }
  return undefined;
}

/**
 * The decorators written above a declaration (`@minLength(1)`, `@allowed([...])`, ...), comments blanked: what
 * lies between the previous declaration and this one, since a declaration's text ends where the decorators of
 * the next one begin.
 */
export function decoratorsOf(file: BicepFile, decl: Declaration): string {
  const all = declarations(file);
  const index = all.findIndex((d) => d.start === decl.start);
  const previous = index > 0 ? all[index - 1] : undefined;
  const from = previous ? previous.start + previous.code.length : 0;
  return file.code.slice(from, decl.start);
}

/** Values of `@allowed([...])` (string literals) above a param, or undefined without the decorator. */
export function allowedValues(file: BicepFile, decl: Declaration): string[] | undefined {
  const match = /@allowed\(\s*\[([\s\S]*?)\]\s*\)/.exec(decoratorsOf(file, decl));
  return match ? [...(match[1] as string).matchAll(/'([^']*)'/g)].map((m) => m[1] as string) : undefined;
}

/** A numeric decorator (`@minLength(1)`, `@maxValue(90)`, ...) of a param, or undefined without it. */
export function numericDecorator(file: BicepFile, decl: Declaration, decorator: 'minLength' | 'maxLength' | 'minValue' | 'maxValue'): number | undefined {
  const match = new RegExp(`@${decorator}\\(\\s*(-?\\d+)\\s*\\)`).exec(decoratorsOf(file, decl));
  return match ? Number(match[1]) : undefined;
}
