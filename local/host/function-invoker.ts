import { randomUUID } from 'node:crypto';
import type { FunctionRegistry, RegisteredFunction } from './function-registry.js';
import type {
  CoreInvocationContext,
  RpcBindingInfo,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from './core-types.js';

/** Supplies the value of a non-trigger input binding (for example `durableClient`) at invocation time. */
export type InputBindingProvider = (binding: RpcBindingInfo, fn: RegisteredFunction) => RpcTypedData | Promise<RpcTypedData>;

export interface InvocationRequest {
  /** The trigger's data; the binding name is filled in from the function's metadata. */
  trigger: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

export type InvocationLogger = (entry: { functionName: string; invocationId: string; level: RpcLogLevel; category: RpcLogCategory; message: string }) => void;

/** The function threw: its error as the worker would report it to the host. */
export class FunctionInvocationError extends Error {
  constructor(
    readonly functionName: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'FunctionInvocationError';
  }
}

/**
 * Invokes registered functions the way the Node.js worker does: an RPC invocation request goes through
 * the programming model's `getInvocationModel` → `getArguments` → hooks → `invokeFunction` → `getResponse`.
 */
export class FunctionInvoker {
  readonly #providers = new Map<string, InputBindingProvider>();
  readonly #executions = new Map<string, number>();

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly logger: InvocationLogger,
    private readonly options: { functionTimeoutMs?: number } = {},
  ) {}

  /** Executions started per function since the host started: what Azure Monitor counts as Function Execution Count. */
  executions(): Record<string, number> {
    return Object.fromEntries(this.#executions);
  }

  provideInput(bindingType: string, provider: InputBindingProvider): void {
    this.#providers.set(bindingType.toLowerCase(), provider);
  }

  async invoke(functionName: string, request: InvocationRequest): Promise<RpcInvocationResponse> {
    const fn = this.registry.get(functionName);
    if (!fn) throw new Error(`No function named "${functionName}" is registered.`);
    this.#executions.set(fn.name, (this.#executions.get(fn.name) ?? 0) + 1);
    const model = this.registry.programmingModel;
    if (!model) throw new Error('No programming model was registered: did the app import @azure/functions?');

    const invocationId = randomUUID();
    const inputData: RpcParameterBinding[] = [{ name: fn.trigger.bindingName, data: request.trigger }];
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.direction !== 'in' || name === fn.trigger.bindingName) continue;
      const provider = this.#providers.get(String(binding.type).toLowerCase());
      if (!provider) throw new Error(`Function "${fn.name}" needs an input binding of type "${binding.type}" that this host does not provide.`);
      inputData.push({ name, data: await provider(binding, fn) });
    }

    const coreContext: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.name,
        inputData,
        triggerMetadata: request.triggerMetadata ?? {},
        retryContext: request.retryContext ?? null,
      },
      metadata: fn.metadata,
      log: (level, category, message) => this.logger({ functionName: fn.name, invocationId, level, category, message }),
    };

    const invocation = await model.getInvocationModel(coreContext);
    const { context, inputs } = await invocation.getArguments();
    let callback = fn.callback;
    const hookData: Record<string, unknown> = {};

    coreContext.state = 'preInvocationHooks';
    for (const hook of this.registry.hooks('preInvocation')) {
      const hookContext = { invocationContext: context, inputs, functionCallback: callback, hookData, appHookData: {} };
      await hook(hookContext);
      callback = hookContext.functionCallback;
    }

    coreContext.state = 'invocation';
    let result: unknown;
    let error: unknown;
    try {
      result = await this.#withinTimeout(fn.name, invocation.invokeFunction(context, inputs, callback));
    } catch (err) {
      error = err;
    }

    coreContext.state = 'postInvocationHooks';
    for (const hook of this.registry.hooks('postInvocation')) {
      const hookContext = { invocationContext: context, inputs, result, error, hookData, appHookData: {} };
      await hook(hookContext);
      result = hookContext.result;
      error = hookContext.error;
    }
    coreContext.state = undefined;

    if (error !== undefined && error !== null) {
      throw new FunctionInvocationError(fn.name, error);
    }
    return invocation.getResponse(context, result);
  }

  /**
   * host.json `functionTimeout`: past it the host fails the invocation with this message (a Durable activity then
   * fails, and is retried as its orchestration says). The function's own work is not stopped here; in Azure the
   * host restarts the worker.
   */
  #withinTimeout<T>(name: string, work: Promise<T>): Promise<T> {
    const ms = this.options.functionTimeoutMs;
    if (ms === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Timeout value of ${formatTimeSpan(ms)} was exceeded by function: Functions.${name}`)), ms);
      timer.unref();
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

function formatTimeSpan(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
