import { describe, expect, it } from 'vitest';
import { restartDelaySeconds } from '../../../orchestrations/names.js';

describe('restartDelaySeconds', () => {
  it('waits 10 s after the first failure, doubles with each consecutive one, and never more than 5 minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(restartDelaySeconds)).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });
});
