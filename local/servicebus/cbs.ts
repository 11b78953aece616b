import type { Message } from 'rhea';
import { isRecord } from './brokered-message.js';

/**
 * Claims-based security on `$cbs`: the SDK puts a SAS token for every link's audience and waits for
 * `status-code` 200. The local peer accepts any token (no signature check), like the emulator.
 */
export function handleCbsRequest(request: Message): Record<string, unknown> {
  const properties: unknown = request.application_properties;
  const operation = isRecord(properties) ? properties.operation : undefined;
  if (operation !== 'put-token') {
    return { 'status-code': 400, 'status-description': `Unsupported $cbs operation ${String(operation)}` };
  }
  return { 'status-code': 200, 'status-description': 'OK' };
}
