import type { FunctionCallback, FunctionMetadata, HookCallback, ProgrammingModel, RpcBindingInfo } from './core-types.js';

export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  trigger: { bindingName: string; binding: RpcBindingInfo; type: string };
}

/** The host's rule for function names (azure-functions-host src/WebJobs.Script/Utility.cs, FunctionNameValidationRegex). */
const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,127}$/i;

/** Everything the app registered through `@azure/functions-core`, as the real worker would hold it. */
export class FunctionRegistry {
  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #hooks = new Map<string, HookCallback[]>();
  programmingModel: ProgrammingModel | undefined;

  register(metadata: FunctionMetadata, callback: FunctionCallback): void {
    if (!FUNCTION_NAME.test(metadata.name) || metadata.name.toLowerCase() === 'host') {
      throw new Error(`"${metadata.name}" is not a valid function name: a letter, then up to 127 letters, digits, '_' or '-' (and not "host").`);
    }
    const key = metadata.name.toLowerCase();
    if (this.#functions.has(key)) {
      throw new Error(`A function named "${metadata.name}" is already registered.`);
    }
    const triggerEntry = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(b.type ?? ''));
    if (!triggerEntry) {
      throw new Error(`Function "${metadata.name}" has no trigger binding.`);
    }
    const [bindingName, binding] = triggerEntry;
    this.#functions.set(key, {
      name: metadata.name,
      metadata,
      callback,
      trigger: { bindingName, binding, type: String(binding.type) },
    });
  }

  get(name: string): RegisteredFunction | undefined {
    return this.#functions.get(name.toLowerCase());
  }

  all(): RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  byTriggerType(type: string): RegisteredFunction[] {
    return this.all().filter((f) => f.trigger.type.toLowerCase() === type.toLowerCase());
  }

  addHook(name: string, callback: HookCallback): () => void {
    const list = this.#hooks.get(name) ?? [];
    list.push(callback);
    this.#hooks.set(name, list);
    return () => list.splice(list.indexOf(callback), 1);
  }

  hooks(name: string): readonly HookCallback[] {
    return this.#hooks.get(name) ?? [];
  }
}
