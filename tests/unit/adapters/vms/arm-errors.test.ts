import { describe, expect, it } from 'vitest';

import { armFailure, isRetryableArmFailure } from '../../../../adapters/vms/arm-errors.js';
import { ProvisioningError } from '../../../../app/ports/bot-provisioner.js';

/** What @azure/core-rest-pipeline's RestError looks like to the mapper (it reads errors structurally). */
function aRestError(statusCode: number | undefined, code: string | undefined, message = 'ARM said no'): Error {
  return Object.assign(new Error(message), { name: 'RestError', statusCode, code, request: { body: '{"adminPassword":"hunter2-Hunter2"}' } });
}

describe('isRetryableArmFailure', () => {
  it.each([
    [429, undefined, true],
    [408, undefined, true],
    [500, undefined, true],
    [502, 'BadGateway', true],
    [409, 'OperationNotAllowed', true],
    [409, 'AnotherOperationInProgress', true],
    [undefined, 'AllocationFailed', true],
    [undefined, 'ZonalAllocationFailed', true],
    [400, 'QuotaExceeded', true],
    [400, 'InvalidParameter', false],
    [403, 'AuthorizationFailed', false],
    [404, 'NotFound', false],
    [409, 'PropertyChangeNotAllowed', false],
    [undefined, 'VMExtensionProvisioningError', false],
  ])('status %s code %s → %s', (status, code, expected) => {
    expect(isRetryableArmFailure(status, code)).toBe(expected);
  });
});

describe('armFailure', () => {
  it('keeps the operation, resource, status and code, and drops the message and the request', () => {
    const error = armFailure('create virtual machine', 'bot-1', aRestError(400, 'InvalidParameter', "password 'hunter2-Hunter2' is too weak"));

    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({
      reason: 'InvalidParameter',
      retryable: false,
      details: { operation: 'create virtual machine', resource: 'bot-1', status: 400, code: 'InvalidParameter' },
    });
    expect(error.message).toBe("create virtual machine 'bot-1' failed: HTTP 400 InvalidParameter");
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });

  it('reads the code of a failed long-running operation from core-lro message, and only the code', () => {
    const lro = new Error(
      'The long-running operation has failed. OverconstrainedAllocationRequest. Allocation failed. VM(s) with the following constraints cannot be allocated',
    );

    expect(armFailure('create virtual machine', 'bot-1', lro)).toMatchObject({ reason: 'OverconstrainedAllocationRequest', retryable: true });
    expect(armFailure('create virtual machine', 'bot-1', lro).message).toBe(
      "create virtual machine 'bot-1' failed: operation failed OverconstrainedAllocationRequest",
    );
  });

  it('calls a request that never reached ARM a retryable network error', () => {
    expect(armFailure('delete OS disk', 'd', aRestError(undefined, 'ECONNRESET'))).toMatchObject({ reason: 'NetworkError', retryable: true });
    expect(armFailure('delete OS disk', 'd', aRestError(undefined, 'REQUEST_SEND_ERROR'))).toMatchObject({ reason: 'NetworkError', retryable: true });
  });

  it('tells a transient token failure from a credential that cannot work', () => {
    const transient = Object.assign(new Error('IMDS timeout'), { name: 'AuthenticationError' });
    const unusable = Object.assign(new Error('no identity'), { name: 'CredentialUnavailableError' });

    expect(armFailure('list virtual machines', 'rg', transient)).toMatchObject({ reason: 'AuthenticationFailed', retryable: true });
    expect(armFailure('list virtual machines', 'rg', unusable)).toMatchObject({ reason: 'AuthenticationFailed', retryable: false });
  });

  it('wraps anything else without its message, and passes a ProvisioningError through', () => {
    const odd = armFailure('tag OS disk', 'd', new TypeError('secret-ish detail'));
    const own = new ProvisioningError('ForeignResource', false, 'left alone');

    expect(odd).toMatchObject({ reason: 'UnexpectedError', retryable: false, message: "tag OS disk 'd' failed: TypeError" });
    expect(armFailure('x', 'y', own)).toBe(own);
  });
});
