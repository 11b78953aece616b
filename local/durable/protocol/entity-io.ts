import type { RpcInvocationResponse, RpcTypedData } from '../../host/core-types.js';
import { entitySchedulerId, type EntityRef } from './entity-id.js';
import { isObject, optionalString, ProtocolError } from './json-value.js';
import { typedDataValue } from './typed-data.js';

/** One operation of an entity batch (`RequestMessage`); `input` is JSON text. */
export interface EntityOperationRequest {
  id: string;
  name: string;
  signal: boolean;
  input?: string;
}

export interface EntityBatchResult {
  exists: boolean;
  /** the entity state as JSON text */
  state: string | undefined;
  /** one per operation, in batch order; `result` is JSON text */
  results: Array<{ isError: boolean; result: string | undefined }>;
  /** signals the operations sent to other entities */
  signals: Array<{ target: string; operation: string; input: string | undefined }>;
}

/** The entity trigger's data (`DurableEntityBindingInfo`): the entity, its state, a batch of operations. */
export function entityTrigger(self: EntityRef, exists: boolean, state: string | undefined, batch: EntityOperationRequest[]): RpcTypedData {
  return { string: JSON.stringify({ self, exists, state, batch }) };
}

export function readEntityBatchResult(response: RpcInvocationResponse, batchSize: number): EntityBatchResult {
  const value = typedDataValue(response.returnValue);
  if (!isObject(value) || !Array.isArray(value.results) || !Array.isArray(value.signals)) {
    throw new ProtocolError('The entity function returned something that is not an entity state.');
  }
  const results: EntityBatchResult['results'] = [];
  for (let i = 0; i < batchSize; i++) {
    const item: unknown = value.results[i];
    results.push(isObject(item) ? { isError: item.isError === true, result: optionalString(item, 'result') } : { isError: false, result: undefined });
  }
  const signals: EntityBatchResult['signals'] = [];
  for (const item of value.signals as unknown[]) {
    if (!isObject(item) || !isObject(item.target)) continue;
    const name = optionalString(item.target, 'name');
    const key = optionalString(item.target, 'key');
    const operation = optionalString(item, 'name');
    if (!name || key === undefined || !operation) continue;
    const input = optionalString(item, 'input');
    signals.push({ target: entitySchedulerId(name, key), operation, input: input ? input : undefined });
  }
  return { exists: value.entityExists === true, state: optionalString(value, 'entityState'), results, signals };
}
