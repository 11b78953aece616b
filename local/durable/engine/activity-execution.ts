import type { RpcInvocationResponse, RpcTypedData } from '../../host/core-types.js';
import { activityResultJson, activityTrigger, functionFailure } from '../protocol/activity-io.js';
import type { WorkItem } from '../store/work-item-store.js';
import type { InstanceMessage } from './instance-message.js';

/** Runs an activity function once; undefined when no such activity function is registered. */
export interface ActivityPort {
  run(activityName: string, trigger: RpcTypedData): Promise<RpcInvocationResponse> | undefined;
}

/** Runs one scheduled activity and turns its outcome into the message for its orchestration. */
export async function executeActivity(item: WorkItem, port: ActivityPort): Promise<InstanceMessage> {
  const { executionId, taskId, name } = item;
  const invocation = port.run(name, activityTrigger(item.input));
  if (!invocation) {
    const reason = `The function '${name}' doesn't exist, is disabled, or is not an activity function.`;
    return { kind: 'TaskFailed', executionId, taskId, failure: { reason, details: '' } };
  }
  try {
    return { kind: 'TaskCompleted', executionId, taskId, result: activityResultJson(await invocation) };
  } catch (err) {
    return { kind: 'TaskFailed', executionId, taskId, failure: functionFailure('Activity', name, err) };
  }
}
