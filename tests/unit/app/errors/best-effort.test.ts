import { describe, expect, it } from 'vitest';
import { bestEffort } from '../../../../app/errors/best-effort.js';
import { errorCode, errorMessage, httpStatusOf } from '../../../../domain/errors/error-probe.js';

describe('bestEffort', () => {
  it('awaits a step that succeeds and logs nothing', async () => {
    const lines: string[] = [];
    let ran = false;
    await bestEffort(
      async () => {
        ran = true;
      },
      'a step',
      (l) => lines.push(l),
    );
    expect(ran).toBe(true);
    expect(lines).toEqual([]);
  });

  it('never throws a failure, and logs it with what was being done', async () => {
    const lines: string[] = [];
    await expect(bestEffort(Promise.reject(new Error('store unavailable')), 'undoing a reservation', (l) => lines.push(l))).resolves.toBeUndefined();
    expect(lines).toEqual(['best effort failed: undoing a reservation: store unavailable']);
  });
});

describe('error probes', () => {
  it('read the kind of an SDK error from the field it uses', () => {
    expect(httpStatusOf({ code: 412 })).toBe(412); // @azure/cosmos
    expect(httpStatusOf({ statusCode: 404 })).toBe(404); // REST clients
    expect(httpStatusOf({ status: 503 })).toBe(503);
    expect(httpStatusOf({ code: 'MessagingEntityNotFound' })).toBeUndefined();
    expect(errorCode({ code: 'MessagingEntityNotFound' })).toBe('MessagingEntityNotFound'); // @azure/service-bus
    expect(errorCode(new Error('x'))).toBeUndefined();
    expect(httpStatusOf(undefined)).toBeUndefined();
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('a non-Error value was thrown');
  });
});
