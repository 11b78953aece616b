import { PROVISIONING_REASONS, ProvisioningError } from '../../app/ports/bot-provisioner.js';

/**
 * ARM error codes worth trying again later: capacity (allocation), quota (`OperationNotAllowed` is how Compute
 * reports an exceeded core quota), throttling and transient platform faults. Anything else (a bad image id, a
 * policy denial, a missing role) fails the same way on every attempt.
 */
const RETRYABLE_CODES = new Set([
  'AllocationFailed',
  'ZonalAllocationFailed',
  'OverconstrainedAllocationRequest',
  'OverconstrainedZonalAllocationRequest',
  'OperationNotAllowed',
  'QuotaExceeded',
  'TooManyRequests',
  'RetryableError',
  'AnotherOperationInProgress',
  'OperationPreempted',
  'Conflict',
  'InternalExecutionError',
  'InternalServerError',
  'InternalOperationError',
  'NetworkingInternalOperationError',
  'ServiceUnavailable',
  'GatewayTimeout',
]);

/** Codes of failed requests that never reached ARM (node's socket errors, the pipeline's send error). */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'REQUEST_SEND_ERROR']);

/** core-lro reports a failed long-running operation as `The long-running operation has failed. <code>. <message>`. */
const LRO_FAILURE = /^The long-running operation has failed\. ([A-Za-z][\w.]*)\./;

export function isRetryableArmFailure(status: number | undefined, code: string | undefined): boolean {
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  return status !== undefined && (status === 408 || status === 429 || status >= 500);
}

/** Status and code of an SDK error, read structurally (RestError comes from a transitive dependency). */
export function armErrorFields(error: unknown): { status?: number; code?: string; name?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
  let code = 'code' in error && typeof error.code === 'string' && error.code.length > 0 ? error.code : undefined;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : undefined;
  if (code === undefined && status === undefined && error instanceof Error) {
    code = LRO_FAILURE.exec(error.message)?.[1];
  }
  return { status, code, name };
}

export function isNotFound(error: unknown): boolean {
  return armErrorFields(error).status === 404;
}

/**
 * Wraps whatever an ARM call threw into a ProvisioningError that carries the operation, the resource name,
 * the HTTP status and the ARM error code, and nothing else: the SDK's error holds the request (with the admin
 * password or the agent credential in its body) and ARM's message may echo parts of that body, so neither
 * travels on, not even as `cause`.
 */
export function armFailure(operation: string, resource: string, error: unknown): ProvisioningError {
  if (error instanceof ProvisioningError) return error;
  const { status, code, name } = armErrorFields(error);
  const where = `${operation} '${resource}' failed`;
  if (name === 'AbortError') {
    // the call's own deadline (ArmBotProvisioner maxCallMs): ARM goes on; the next attempt finds and resumes it
    return new ProvisioningError(PROVISIONING_REASONS.stillRunning, true, `${operation} '${resource}' is still running at the call's deadline`, {
      operation,
      resource,
    });
  }
  if (name === 'AuthenticationError' || name === 'CredentialUnavailableError') {
    // a managed identity endpoint hiccup is transient; a credential that cannot work at all is not
    const retryable = name === 'AuthenticationError';
    return new ProvisioningError(PROVISIONING_REASONS.authenticationFailed, retryable, `${where}: no token for ARM (${name})`, { operation, resource });
  }
  if (status === undefined && code !== undefined && NETWORK_CODES.has(code)) {
    return new ProvisioningError(PROVISIONING_REASONS.networkError, true, `${where}: network error ${code}`, { operation, resource, code });
  }
  if (status === undefined && code === undefined) {
    return new ProvisioningError(PROVISIONING_REASONS.unexpected, false, `${where}: ${name ?? typeof error}`, { operation, resource });
  }
  const parts = [status === undefined ? 'operation failed' : `HTTP ${status}`, code].filter((p) => p !== undefined);
  return new ProvisioningError(code ?? PROVISIONING_REASONS.armRequestFailed, isRetryableArmFailure(status, code), `${where}: ${parts.join(' ')}`, {
    operation,
    resource,
    status,
    code,
  });
}
