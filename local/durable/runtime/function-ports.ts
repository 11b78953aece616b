import type { RpcTypedData } from '../../host/core-types.js';
import type { FunctionInvoker } from '../../host/function-invoker.js';
import type { FunctionRegistry } from '../../host/function-registry.js';
import type { ActivityPort } from '../engine/activity-execution.js';
import type { EntityPort } from '../engine/entity-session.js';
import type { OrchestratorPort } from '../engine/orchestration-session.js';

export const TRIGGER_TYPES = {
  orchestration: 'orchestrationTrigger',
  activity: 'activityTrigger',
  entity: 'entityTrigger',
} as const;

/** The registered function `name` if its trigger is `triggerType` (names are case-insensitive). */
export function findDurableFunction(registry: FunctionRegistry, name: string, triggerType: string) {
  const fn = registry.get(name);
  return fn && fn.trigger.type.toLowerCase() === triggerType.toLowerCase() ? fn : undefined;
}

/** The engine's ports onto the local host: invocations of the app's real, registered functions. */
export function functionPorts(
  registry: FunctionRegistry,
  invoker: FunctionInvoker,
): { orchestrator: OrchestratorPort; activity: ActivityPort; entity: EntityPort } {
  const invokeIf = (triggerType: string) => (name: string, trigger: RpcTypedData) => {
    const fn = findDurableFunction(registry, name, triggerType);
    return fn ? invoker.invoke(fn.name, { trigger }) : undefined;
  };
  const orchestration = invokeIf(TRIGGER_TYPES.orchestration);
  return {
    orchestrator: {
      run: async (name, trigger) => {
        const invocation = orchestration(name, trigger);
        if (!invocation) throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
        return invocation;
      },
    },
    activity: { run: invokeIf(TRIGGER_TYPES.activity) },
    entity: { run: invokeIf(TRIGGER_TYPES.entity) },
  };
}
