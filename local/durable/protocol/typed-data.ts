import type { RpcTypedData } from '../../host/core-types.js';

/** The value a function returned, from the typed data the programming model produced (`toRpcTypedData`). */
export function typedDataValue(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.string === 'string') return data.string;
  if (typeof data.json === 'string') return JSON.parse(data.json) as unknown;
  if (typeof data.int === 'number') return data.int;
  if (typeof data.double === 'number') return data.double;
  if (data.bytes) return Buffer.from(data.bytes).toString('base64');
  if (data.stream) return Buffer.from(data.stream).toString('base64');
  return undefined;
}
