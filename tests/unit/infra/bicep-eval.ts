import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { matchingClose, type BicepFile } from './bicep-source.js';
import { bodyEntries, declarationsOf, moduleFile, moduleParams } from './infra-model.js';

/**
 * A small evaluator of Bicep expressions, enough to compute the resource names the template builds (strings,
 * numbers, booleans, `${}` interpolation, the operators, the ternary, `.`/`.?`/`[]` access and the string
 * functions names are made of), so that name rules can be checked for any environment name without the compiler.
 *
 * What cannot be known before a deployment (a resource's properties, a loop item, a module's outputs) throws
 * `Unresolvable`; the caller skips those names. A function the evaluator does not know throws a plain Error, so
 * that a name built with it is noticed rather than skipped. Functions behave as ARM's do where it matters for
 * names: `substring` out of range fails like the deployment would.
 */

export class Unresolvable extends Error {}
/** What ARM would refuse at deployment time (e.g. substring out of range). */
export class ArmEvaluationError extends Error {}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

type Token =
  | { kind: 'string'; parts: Array<string | { expr: string }>; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'ident'; value: string; at: number }
  | { kind: 'op'; value: string; at: number };

const OPERATORS = [
  '.?',
  '[?',
  '??',
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '&&',
  '||',
  '::',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  '?',
  ':',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
];

/** Index just past the `}` closing the interpolation that starts at `start` (just after `${`). */
function interpolationEnd(source: string, start: number): number {
  let depth = 0;
  let k = start;
  while (k < source.length) {
    const c = source[k];
    if (c === "'") {
      k = stringEnd(source, k);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return k + 1;
      depth--;
    }
    k++;
  }
  throw new Error(`unterminated interpolation in ${source}`);
}

/** Index just past the single-quoted string opening at `start`. */
function stringEnd(source: string, start: number): number {
  if (source.startsWith("'''", start)) {
    const end = source.indexOf("'''", start + 3);
    if (end < 0) throw new Error(`unterminated ''' string in ${source}`);
    return end + 3;
  }
  let k = start + 1;
  while (k < source.length) {
    const c = source[k];
    if (c === '\\') k += 2;
    else if (c === "'") return k + 1;
    else if (c === '$' && source[k + 1] === '{') k = interpolationEnd(source, k + 2);
    else k++;
  }
  throw new Error(`unterminated string in ${source}`);
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const end = stringEnd(source, i);
      if (source.startsWith("'''", i)) {
        tokens.push({ kind: 'string', parts: [source.slice(i + 3, end - 3)], at: i });
      } else {
        const parts: Array<string | { expr: string }> = [];
        let text = '';
        let k = i + 1;
        while (k < end - 1) {
          const ch = source[k] as string;
          if (ch === '\\') {
            const next = source[k + 1] as string;
            if (next === 'u' && source[k + 2] === '{') {
              const close = source.indexOf('}', k);
              text += String.fromCodePoint(parseInt(source.slice(k + 3, close), 16));
              k = close + 1;
              continue;
            }
            const escaped = ESCAPES[next];
            if (escaped === undefined) throw new Error(`unknown escape \\${next} in ${source}`);
            text += escaped;
            k += 2;
          } else if (ch === '$' && source[k + 1] === '{') {
            const close = interpolationEnd(source, k + 2);
            if (text) parts.push(text);
            text = '';
            parts.push({ expr: source.slice(k + 2, close - 1) });
            k = close;
          } else {
            text += ch;
            k++;
          }
        }
        if (text || parts.length === 0) parts.push(text);
        tokens.push({ kind: 'string', parts, at: i });
      }
      i = end;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'ident', value: match[0], at: i });
      i += match[0].length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new Error(`unexpected '${c}' in ${source}`);
      tokens.push({ kind: 'op', value: op, at: i });
      i += op.length;
    }
  }
  return tokens;
}

type Node =
  | { type: 'literal'; value: Value }
  | { type: 'string'; parts: Array<string | Node> }
  | { type: 'ident'; name: string }
  | { type: 'call'; callee: string; args: Node[] }
  | { type: 'member'; object: Node; property: string; safe: boolean }
  | { type: 'index'; object: Node; index: Node; safe: boolean }
  | { type: 'unary'; op: string; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node }
  | { type: 'ternary'; test: Node; then: Node; otherwise: Node }
  | { type: 'array'; items: Node[] }
  | { type: 'object'; entries: Array<[string, Node]> };

/** Binary operators by binding power (Bicep's precedence, highest last). */
const BINARY: Record<string, number> = {
  '??': 1,
  '||': 2,
  '&&': 3,
  '==': 4,
  '!=': 4,
  '=~': 4,
  '!~': 4,
  '<': 5,
  '>': 5,
  '<=': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

export function parse(source: string): Node {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => {
    const t = tokens[pos];
    return t?.kind === 'op' && t.value === value;
  };
  const expectOp = (value: string) => {
    if (!isOp(value)) throw new Error(`expected '${value}' at ${JSON.stringify(tokens[pos])} in ${source}`);
    pos++;
  };

  const primary = (): Node => {
    const t = tokens[pos++];
    if (!t) throw new Error(`unexpected end of ${source}`);
    if (t.kind === 'number') return { type: 'literal', value: t.value };
    if (t.kind === 'string') return { type: 'string', parts: t.parts.map((p) => (typeof p === 'string' ? p : parse(p.expr))) };
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') return { type: 'literal', value: t.value === 'true' };
      if (t.value === 'null') return { type: 'literal', value: null };
      if (isOp('(')) {
        pos++;
        const args: Node[] = [];
        while (!isOp(')')) {
          args.push(expression(0));
          if (isOp(',')) pos++;
        }
        pos++;
        return { type: 'call', callee: t.value, args };
      }
      return { type: 'ident', name: t.value };
    }
    if (t.value === '(') {
      const inner = expression(0);
      expectOp(')');
      return inner;
    }
    if (t.value === '!' || t.value === '-') return { type: 'unary', op: t.value, operand: postfix(primary()) };
    if (t.value === '[') {
      const items: Node[] = [];
      while (!isOp(']')) {
        items.push(expression(0));
        if (isOp(',')) pos++;
      }
      pos++;
      return { type: 'array', items };
    }
    if (t.value === '{') {
      const entries: Array<[string, Node]> = [];
      while (!isOp('}')) {
        const key = tokens[pos++];
        if (!key || (key.kind !== 'ident' && key.kind !== 'string')) throw new Error(`bad object key in ${source}`);
        const name = key.kind === 'ident' ? key.value : key.parts.join('');
        expectOp(':');
        entries.push([name, expression(0)]);
        if (isOp(',')) pos++;
      }
      pos++;
      return { type: 'object', entries };
    }
    throw new Error(`unexpected '${t.value}' in ${source}`);
  };

  const postfix = (node: Node): Node => {
    for (;;) {
      if (isOp('.') || isOp('.?')) {
        const safe = (peek() as Token & { value: string }).value === '.?';
        pos++;
        const name = tokens[pos++];
        if (name?.kind !== 'ident') throw new Error(`expected a property name in ${source}`);
        if (isOp('(')) throw new Error(`method calls (${name.value}) are not supported in ${source}`);
        node = { type: 'member', object: node, property: name.value, safe };
      } else if (isOp('[') || isOp('[?')) {
        const safe = (peek() as Token & { value: string }).value === '[?';
        pos++;
        const index = expression(0);
        expectOp(']');
        node = { type: 'index', object: node, index, safe };
      } else if (isOp('!') && !(tokens[pos + 1]?.kind === 'ident' || tokens[pos + 1]?.kind === 'string' || tokens[pos + 1]?.kind === 'number')) {
        pos++; // null-forgiving: no effect at run time
      } else {
        return node;
      }
    }
  };

  const expression = (minPower: number): Node => {
    let left = postfix(primary());
    for (;;) {
      const t = peek();
      if (!t || t.kind !== 'op') break;
      if (t.value === '?' && minPower === 0) {
        pos++;
        const then = expression(0);
        expectOp(':');
        const otherwise = expression(0);
        left = { type: 'ternary', test: left, then, otherwise };
        continue;
      }
      const power = BINARY[t.value];
      if (power === undefined || power <= minPower) break;
      pos++;
      // ?? is right-associative, the others left-associative
      const right = expression(t.value === '??' ? power - 1 : power);
      left = { type: 'binary', op: t.value, left, right };
    }
    return left;
  };

  const result = expression(0);
  if (pos !== tokens.length) throw new Error(`unexpected '${JSON.stringify(tokens[pos])}' after the expression in ${source}`);
  return result;
}

export interface Context {
  /** value of an identifier (param or var), or throws Unresolvable */
  lookup(name: string): Value;
  /** directory of the file, for loadJsonContent */
  dir: string;
  /** uniqueString(...) */
  uniqueString(args: string[]): string;
}

const isObject = (v: Value): v is { [key: string]: Value } => typeof v === 'object' && v !== null && !Array.isArray(v);

function asString(v: Value, fn: string): string {
  if (typeof v !== 'string') throw new ArmEvaluationError(`${fn} expects a string, got ${JSON.stringify(v)}`);
  return v;
}
function asNumber(v: Value, fn: string): number {
  if (typeof v !== 'number') throw new ArmEvaluationError(`${fn} expects an int, got ${JSON.stringify(v)}`);
  return v;
}

/** Stand-ins for the deployment functions a name can depend on. */
export const DEPLOYMENT = {
  subscriptionId: '00000000-1111-2222-3333-444444444444',
  tenantId: '99999999-8888-7777-6666-555555555555',
  resourceGroup: 'rg-hostedrpa-prod',
  location: 'northeurope',
};

function callFunction(name: string, args: Value[], ctx: Context, argNodes: Node[]): Value {
  const s = (i: number) => asString(args[i] as Value, name);
  const n = (i: number) => asNumber(args[i] as Value, name);
  switch (name) {
    case 'toLower':
      return s(0).toLowerCase();
    case 'toUpper':
      return s(0).toUpperCase();
    case 'trim':
      return s(0).trim();
    case 'replace':
      return s(0).split(s(1)).join(s(2));
    case 'take': {
      const count = Math.max(0, n(1));
      const v = args[0] as Value;
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(0, count);
      throw new ArmEvaluationError(`take of ${JSON.stringify(v)}`);
    }
    case 'skip': {
      const count = Math.max(0, n(1));
      const v = args[0] as Value;
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(count);
      throw new ArmEvaluationError(`skip of ${JSON.stringify(v)}`);
    }
    case 'substring': {
      const str = s(0);
      const start = args.length > 1 ? n(1) : 0;
      const length = args.length > 2 ? n(2) : str.length - start;
      if (start < 0 || length < 0 || start > str.length || start + length > str.length) {
        throw new ArmEvaluationError(`substring('${str}', ${start}, ${length}) is out of range`);
      }
      return str.slice(start, start + length);
    }
    case 'length': {
      const v = args[0] as Value;
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new ArmEvaluationError(`length of ${JSON.stringify(v)}`);
    }
    case 'empty': {
      const v = args[0] as Value;
      return v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
    }
    // ARM compares these case-insensitively
    case 'startsWith':
      return s(0).toLowerCase().startsWith(s(1).toLowerCase());
    case 'endsWith':
      return s(0).toLowerCase().endsWith(s(1).toLowerCase());
    case 'contains': {
      const v = args[0] as Value;
      if (typeof v === 'string') return v.toLowerCase().includes(s(1).toLowerCase());
      if (Array.isArray(v)) return v.includes(args[1] as Value);
      if (isObject(v)) return Object.keys(v).some((k) => k.toLowerCase() === s(1).toLowerCase());
      throw new ArmEvaluationError(`contains of ${JSON.stringify(v)}`);
    }
    case 'indexOf':
      return s(0).toLowerCase().indexOf(s(1).toLowerCase());
    case 'lastIndexOf':
      return s(0).toLowerCase().lastIndexOf(s(1).toLowerCase());
    case 'split':
      return s(0).split(s(1));
    case 'first': {
      const v = args[0] as Value;
      if (typeof v === 'string') return v.slice(0, 1);
      if (Array.isArray(v)) return v[0] ?? null;
      throw new ArmEvaluationError('first');
    }
    case 'last': {
      const v = args[0] as Value;
      if (typeof v === 'string') return v.slice(-1);
      if (Array.isArray(v)) return v[v.length - 1] ?? null;
      throw new ArmEvaluationError('last');
    }
    case 'concat':
      return args.every((a) => Array.isArray(a)) ? (args as Value[][]).flat() : args.map((a, i) => asString(a, `concat #${i}`)).join('');
    case 'string':
      return typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    case 'int':
      return typeof args[0] === 'number' ? args[0] : Number.parseInt(s(0), 10);
    case 'union':
      return Object.assign({}, ...(args as Array<{ [key: string]: Value }>));
    case 'uniqueString':
      return ctx.uniqueString(args.map((a, i) => asString(a, `uniqueString #${i}`)));
    case 'guid': {
      const hex = createHash('sha256')
        .update(args.map((a) => asString(a, 'guid')).join('|'))
        .digest('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    }
    case 'subscription':
      return { id: `/subscriptions/${DEPLOYMENT.subscriptionId}`, subscriptionId: DEPLOYMENT.subscriptionId, tenantId: DEPLOYMENT.tenantId };
    case 'resourceGroup':
      if (args.length > 0) throw new Unresolvable('resourceGroup(...) of another group');
      return {
        id: `/subscriptions/${DEPLOYMENT.subscriptionId}/resourceGroups/${DEPLOYMENT.resourceGroup}`,
        name: DEPLOYMENT.resourceGroup,
        location: DEPLOYMENT.location,
      };
    case 'tenant':
      return { tenantId: DEPLOYMENT.tenantId };
    case 'loadJsonContent': {
      const path = argNodes[0]?.type === 'string' ? s(0) : undefined;
      if (!path) throw new Error('loadJsonContent needs a literal path');
      return JSON.parse(readFileSync(resolve(ctx.dir, path), 'utf8')) as Value;
    }
    case 'reference':
    case 'list':
    case 'listKeys':
    case 'environment':
    case 'deployer':
    case 'utcNow':
    case 'newGuid':
      throw new Unresolvable(`${name}() is known at deployment time only`);
    default:
      throw new Error(`the infra test evaluator does not know the function ${name}(): add it to bicep-eval.ts`);
  }
}

function truthy(v: Value, what: string): boolean {
  if (typeof v !== 'boolean') throw new ArmEvaluationError(`${what} expects a bool, got ${JSON.stringify(v)}`);
  return v;
}

export function evaluate(node: Node, ctx: Context): Value {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'string':
      return node.parts
        .map((p) => {
          if (typeof p === 'string') return p;
          const v = evaluate(p, ctx);
          return typeof v === 'string' ? v : JSON.stringify(v);
        })
        .join('');
    case 'ident':
      return ctx.lookup(node.name);
    case 'call':
      return callFunction(
        node.callee,
        node.args.map((a) => evaluate(a, ctx)),
        ctx,
        node.args,
      );
    case 'member': {
      const object = evaluate(node.object, ctx);
      if (object === null && node.safe) return null;
      if (!isObject(object)) throw new ArmEvaluationError(`.${node.property} of ${JSON.stringify(object)}`);
      if (!(node.property in object)) {
        if (node.safe) return null;
        throw new ArmEvaluationError(`no property ${node.property}`);
      }
      return object[node.property] as Value;
    }
    case 'index': {
      const object = evaluate(node.object, ctx);
      const index = evaluate(node.index, ctx);
      if (object === null && node.safe) return null;
      if (Array.isArray(object) && typeof index === 'number') {
        if (index < 0 || index >= object.length) {
          if (node.safe) return null;
          throw new ArmEvaluationError(`index ${index} out of range`);
        }
        return object[index] as Value;
      }
      if (isObject(object) && typeof index === 'string') return object[index] ?? (node.safe ? null : throwArm(`no property ${index}`));
      throw new ArmEvaluationError(`[${JSON.stringify(index)}] of ${JSON.stringify(object)}`);
    }
    case 'unary': {
      const v = evaluate(node.operand, ctx);
      return node.op === '!' ? !truthy(v, '!') : -asNumber(v, 'unary -');
    }
    case 'binary': {
      if (node.op === '&&') return truthy(evaluate(node.left, ctx), '&&') && truthy(evaluate(node.right, ctx), '&&');
      if (node.op === '||') return truthy(evaluate(node.left, ctx), '||') || truthy(evaluate(node.right, ctx), '||');
      if (node.op === '??') return evaluate(node.left, ctx) ?? evaluate(node.right, ctx);
      const left = evaluate(node.left, ctx);
      const right = evaluate(node.right, ctx);
      switch (node.op) {
        case '==':
          return JSON.stringify(left) === JSON.stringify(right);
        case '!=':
          return JSON.stringify(left) !== JSON.stringify(right);
        case '=~':
          return asString(left, '=~').toLowerCase() === asString(right, '=~').toLowerCase();
        case '!~':
          return asString(left, '!~').toLowerCase() !== asString(right, '!~').toLowerCase();
        case '<':
          return asNumber(left, '<') < asNumber(right, '<');
        case '>':
          return asNumber(left, '>') > asNumber(right, '>');
        case '<=':
          return asNumber(left, '<=') <= asNumber(right, '<=');
        case '>=':
          return asNumber(left, '>=') >= asNumber(right, '>=');
        case '+':
          return asNumber(left, '+') + asNumber(right, '+');
        case '-':
          return asNumber(left, '-') - asNumber(right, '-');
        case '*':
          return asNumber(left, '*') * asNumber(right, '*');
        case '/':
          return Math.trunc(asNumber(left, '/') / asNumber(right, '/'));
        case '%':
          return asNumber(left, '%') % asNumber(right, '%');
      }
      throw new Error(`operator ${node.op}`);
    }
    case 'ternary':
      // ARM's if() evaluates the branch it takes only
      return truthy(evaluate(node.test, ctx), '?:') ? evaluate(node.then, ctx) : evaluate(node.otherwise, ctx);
    case 'array':
      return node.items.map((i) => evaluate(i, ctx));
    case 'object':
      return Object.fromEntries(node.entries.map(([k, v]) => [k, evaluate(v, ctx)]));
  }
}

function throwArm(message: string): never {
  throw new ArmEvaluationError(message);
}

/** A deterministic stand-in for ARM's uniqueString: 13 characters of its alphabet (lower-case letters, 2-7). */
export function hashToken(args: string[]): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const digest = createHash('sha256').update(args.join('|')).digest();
  let out = '';
  for (let k = 0; k < 13; k++) out += alphabet[(digest[k] as number) % 32];
  return out;
}

/** The expression after `=` of a param default, var or output (comments blanked). */
export function declarationExpression(decl: { code: string; masked: string }): string | undefined {
  const equals = decl.masked.indexOf('=');
  return equals < 0 ? undefined : decl.code.slice(equals + 1).trim();
}

/** What the evaluator needs of one file, read once: its params and vars, and the names its resources and modules build. */
interface FilePlan {
  file: BicepFile;
  /** params and vars: expression text (param default), whether a param */
  values: Map<string, { kind: 'param' | 'var'; expression?: string }>;
  resources: Array<{ type: string; where: string; name?: string }>;
  modules: Array<{ where: string; name?: string; target?: FilePlan; params: Map<string, string> }>;
}

const plans = new Map<string, FilePlan>();
const parsed = new Map<string, Node>();

function parseCached(expression: string): Node {
  let node = parsed.get(expression);
  if (!node) {
    node = parse(expression);
    parsed.set(expression, node);
  }
  return node;
}

function planOf(file: BicepFile): FilePlan {
  const cached = plans.get(file.abs);
  if (cached && cached.file.source === file.source) return cached;
  const values = new Map<string, { kind: 'param' | 'var'; expression?: string }>();
  for (const decl of declarationsOf(file, 'param').concat(declarationsOf(file, 'var'))) {
    values.set(decl.name, {
      kind: decl.kind as 'param' | 'var',
      expression: decl.kind === 'param' && !decl.hasDefault ? undefined : declarationExpression(decl),
    });
  }
  const resources = declarationsOf(file, 'resource')
    .filter((decl) => !/\bexisting\s*=/.test(decl.masked))
    .map((decl) => ({
      type: (decl.target ?? '').split('@')[0] as string,
      where: `${file.rel} resource ${decl.name}`,
      name: bodyEntries(file, decl).find((e) => e.key === 'name')?.value,
    }));
  const plan: FilePlan = { file, values, resources, modules: [] };
  plans.set(file.abs, plan);
  for (const module of declarationsOf(file, 'module')) {
    const target = moduleFile(file, module);
    plan.modules.push({
      where: `${file.rel} module ${module.name}`,
      name: bodyEntries(file, module).find((e) => e.key === 'name')?.value,
      target: target ? planOf(target) : undefined,
      params: new Map(moduleParams(file, module).map((e) => [e.key, e.value])),
    });
  }
  return plan;
}

/** Evaluation of the params and vars of one Bicep file, with the params a caller passes. */
export class FileScope {
  private readonly cache = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  readonly ctx: Context;
  readonly plan: FilePlan;

  constructor(
    file: BicepFile | FilePlan,
    /** values of params given by the caller (thunks, evaluated on use) */
    private readonly given: Map<string, () => Value>,
    uniqueString: (args: string[]) => string,
  ) {
    this.plan = 'values' in file ? file : planOf(file);
    this.ctx = { lookup: (name) => this.lookup(name), dir: dirname(this.plan.file.abs), uniqueString };
  }

  lookup(name: string): Value {
    if (this.cache.has(name)) return this.cache.get(name) as Value;
    if (this.evaluating.has(name)) throw new Error(`${this.plan.file.rel}: ${name} refers to itself`);
    this.evaluating.add(name);
    try {
      const value = this.compute(name);
      this.cache.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }

  private compute(name: string): Value {
    const decl = this.plan.values.get(name);
    const given = this.given.get(name);
    if (decl?.kind === 'param' && given) return given();
    if (decl) {
      if (decl.expression === undefined) throw new Unresolvable(`${this.plan.file.rel}: ${decl.kind} ${name} has no value`);
      return this.evaluate(decl.expression);
    }
    // resources, modules, loop items, lambda variables
    throw new Unresolvable(`${this.plan.file.rel}: ${name} is not a param or var`);
  }

  evaluate(expression: string): Value {
    return evaluate(parseCached(expression), this.ctx);
  }
}

export interface BuiltName {
  /** resource type without the API version, or 'deployment' for a module's deployment name */
  type: string;
  name: string;
  /** file and symbol that builds it */
  where: string;
}

/**
 * Every resource (and nested deployment) name a file builds, with the params given, modules followed. Names that
 * depend on something known only during the deployment (or on a loop item) are left out.
 */
export function builtNames(
  file: BicepFile | FilePlan,
  given: Map<string, () => Value>,
  uniqueString: (args: string[]) => string,
): { names: BuiltName[]; scope: FileScope } {
  const scope = new FileScope(file, given, uniqueString);
  const names: BuiltName[] = [];
  const tryName = (type: string, expression: string | undefined, where: string) => {
    if (expression === undefined) return;
    try {
      const value = scope.evaluate(expression);
      if (typeof value !== 'string') throw new ArmEvaluationError(`${where}: the name is not a string: ${JSON.stringify(value)}`);
      names.push({ type, name: value, where });
    } catch (e) {
      if (!(e instanceof Unresolvable)) throw e;
    }
  };
  for (const resource of scope.plan.resources) tryName(resource.type, resource.name, resource.where);
  for (const module of scope.plan.modules) {
    tryName('deployment', module.name, module.where);
    if (!module.target) continue;
    const passed = new Map<string, () => Value>([...module.params].map(([key, value]) => [key, () => scope.evaluate(value)]));
    names.push(...builtNames(module.target, passed, uniqueString).names);
  }
  return { names, scope };
}

/** Offsets [start, end) of every `fn(...)` call in a masked text. */
export function callSpans(masked: string, fn: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of masked.matchAll(new RegExp(`\\b${fn}\\s*\\(`, 'g'))) {
    const open = (match.index as number) + match[0].length - 1;
    spans.push([match.index as number, matchingClose(masked, open) + 1]);
  }
  return spans;
}
