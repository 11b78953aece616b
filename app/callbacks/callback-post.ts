import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from '../callback-targets/callback-address.js';

/** Each attempt gets this long for connect, send and the answer's status line. */
export const CALLBACK_ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * POSTs `body` to `url`, connecting only to `address` (checked before: the host is not resolved again, so a DNS
 * answer changed since cannot redirect the call). Redirects are not followed: a 3xx is the attempt's answer.
 * Answers the status, or 0 when there was none (refused, reset, or silent for `timeoutMs`).
 */
export function postCallback(
  url: URL,
  address: ResolvedAddress,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs = CALLBACK_ATTEMPT_TIMEOUT_MS,
): Promise<number> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const options: RequestOptions = {
    method: 'POST',
    lookup: pinned,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(body.length) },
    timeout: timeoutMs,
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('callback attempt timed out')));
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
