import { describe, expect, it } from 'vitest';
import { StepLogBook, tailOf } from '../../../../agent/steps/step-logs.js';
import { RUN_ERROR_CODES } from '../../../../domain/run.js';
import { STEP_ERROR_CODES } from '../../../../agent/steps/step-errors.js';

const limits = { stepLogBytes: 8 * 1024, runLogBytes: 32 * 1024 };

describe('step logs', () => {
  it('keeps the tail of a long text', () => {
    expect(tailOf('abcdef', 3)).toBe('…def');
    expect(tailOf('abc', 3)).toBe('abc');
  });

  it('redacts the password wherever it shows', () => {
    const book = new StepLogBook(limits, ['hunter2-Passw0rd']);
    book.add({
      step: 0,
      kind: 'run',
      durationMs: 1,
      command: 'tool --pw hunter2-Passw0rd',
      stdout: 'hunter2-Passw0rd',
      stderr: 'x hunter2-Passw0rd y',
      error: 'bad hunter2-Passw0rd',
    });
    expect(JSON.stringify(book.entries())).not.toContain('hunter2');
  });

  it('bounds each step and the whole run, counting what it leaves out', () => {
    const book = new StepLogBook(limits, []);
    const noisy = '\u0001'.repeat(20_000);
    for (let step = 0; step < 20; step += 1) book.add({ step, kind: 'run', durationMs: 1, stdout: noisy, stderr: noisy });
    const entries = book.entries();
    for (const entry of entries) expect(Buffer.byteLength(JSON.stringify(entry))).toBeLessThanOrEqual(limits.stepLogBytes);
    expect(Buffer.byteLength(JSON.stringify(entries))).toBeLessThanOrEqual(limits.runLogBytes);
    expect(entries.at(-1)).toMatchObject({ kind: 'logLimit' });
  });
});

describe('step error codes', () => {
  it('are the run error codes the control plane documents', () => {
    for (const code of Object.values(STEP_ERROR_CODES)) expect(Object.values(RUN_ERROR_CODES)).toContain(code);
  });
});
