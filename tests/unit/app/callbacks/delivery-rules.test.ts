import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackView, retryDelaySeconds, stateAfterAttempt, CALLBACK_MAX_DELAY_SECONDS } from '../../../../domain/run-callback.js';
import { signatureOf } from '../../../../app/callbacks/webhook-secret.js';

describe('callback delivery rules', () => {
  it('2xx delivers, 410 unsubscribes, anything else (3xx included) and no answer retry', () => {
    expect(stateAfterAttempt(200)).toBe('Delivered');
    expect(stateAfterAttempt(204)).toBe('Delivered');
    expect(stateAfterAttempt(410)).toBe('Unsubscribed');
    for (const status of [0, 301, 302, 400, 404, 429, 500, 503]) expect(stateAfterAttempt(status)).toBe('Pending');
  });

  it('backs off exponentially with at most 20 % jitter, capped', () => {
    expect(retryDelaySeconds(1, 30, 0)).toBe(30);
    expect(retryDelaySeconds(2, 30, 0)).toBe(60);
    expect(retryDelaySeconds(3, 30, 0.5)).toBe(132);
    expect(retryDelaySeconds(20, 30, 0.999)).toBeLessThanOrEqual(CALLBACK_MAX_DELAY_SECONDS * 1.2);
  });

  it('shows the URL without its query', () => {
    expect(callbackView({ url: 'https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=SECRET', state: 'Pending', attempts: 0 })).toEqual({
      target: 'https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual',
      state: 'Pending',
      attempts: 0,
      lastStatus: null,
      lastAttemptAt: null,
    });
  });

  it('signs the exact body bytes with HMAC-SHA256', () => {
    const body = Buffer.from('{"id":"run-1","state":"Succeeded"}');
    expect(signatureOf('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
  });
});
