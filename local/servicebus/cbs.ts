import type { Message } from 'rhea';
import { isRecord } from './brokered-message.js';
import { checkSasToken, type AuthorizationRule, type Grant } from './sas.js';

/**
 * Claims-based security on `$cbs`: the SDK puts a token for every link's audience and waits for `status-code` 200
 * before it attaches the link. SAS tokens are checked as the service checks them (sas.ts): a valid one is a grant of
 * its rule's rights on its resource until it expires, kept on the connection; anything else answers 401. JWTs (Entra ID)
 * are refused: the local peer has no identity provider.
 */
export function handleCbsRequest(request: Message, rules: readonly AuthorizationRule[], grant: (g: Grant) => void, now = Date.now()): Record<string, unknown> {
  const properties: unknown = request.application_properties;
  const operation = isRecord(properties) ? properties.operation : undefined;
  if (operation !== 'put-token') {
    return { 'status-code': 400, 'status-description': `Unsupported $cbs operation ${String(operation)}` };
  }
  const type = isRecord(properties) ? String(properties.type ?? '') : '';
  if (type !== 'servicebus.windows.net:sastoken') {
    return { 'status-code': 401, 'status-description': `Token type '${type}' is not accepted by the local Service Bus peer: it checks SAS tokens only.` };
  }
  const checked = checkSasToken(typeof request.body === 'string' ? request.body : String(request.body ?? ''), rules, now);
  if (!checked.ok) return { 'status-code': 401, 'status-description': checked.reason };
  grant(checked.grant);
  return { 'status-code': 200, 'status-description': 'OK' };
}
