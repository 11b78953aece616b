import type { RpcTypedData } from '../../host/core-types.js';

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
/** The instance-id placeholder in management URLs, as the extension writes it. */
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

/**
 * The `durableClient` input binding's data, as the extension hands it to the worker
 * (`OrchestrationClientInputData`). `rpcBaseUrl` is set, as the extension does for out-of-process
 * languages, so the real `DurableClient` calls the same webhook API under it; creation and management
 * URLs serve `createCheckStatusResponse` and `createHttpManagementPayload`.
 */
export function durableClientBindingData(baseUrl: string, taskHub: string): RpcTypedData {
  const webhooks = `${baseUrl}${WEBHOOK_PATH}`;
  const query = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage`;
  const instance = `${webhooks}/instances/${INSTANCE_ID_PLACEHOLDER}`;
  const data = {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      waitOnNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: {
      id: INSTANCE_ID_PLACEHOLDER,
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl: webhooks,
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${webhooks}/`,
    httpBaseUrl: webhooks,
  };
  return { string: JSON.stringify(data) };
}

/** The management URLs of one instance (the body and Location of a start response). */
export function managementPayload(baseUrl: string, taskHub: string, instanceId: string): Record<string, string> {
  const webhooks = `${baseUrl}${WEBHOOK_PATH}`;
  const query = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage`;
  const instance = `${webhooks}/instances/${encodeURIComponent(instanceId)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}
