import { describe, expect, it } from 'vitest';
import { StepError } from '../../../../agent/steps/step-errors.js';
import { substituteInputs, substituteStep } from '../../../../agent/steps/substitute-inputs.js';

describe('${inputs.NAME} substitution', () => {
  it('replaces each reference, strings as they are and other values as JSON', () => {
    expect(substituteInputs('Invoice ${inputs.id} for ${inputs.who}: ${inputs.n} ${inputs.obj}', { id: 'INV-1', who: 'Ada', n: 3, obj: { a: 1 } })).toBe(
      'Invoice INV-1 for Ada: 3 {"a":1}',
    );
  });

  it('does not substitute inside substituted values', () => {
    expect(substituteInputs('${inputs.a}', { a: '${inputs.b}', b: 'secret' })).toBe('${inputs.b}');
  });

  it('leaves text without references, and other ${...} forms, as it is', () => {
    expect(substituteInputs('cost: $5 ${env.HOME} ${input.x}', {})).toBe('cost: $5 ${env.HOME} ${input.x}');
  });

  it('fails InputMissing on an unknown name', () => {
    expect(() => substituteInputs('${inputs.missing}', { other: 1 })).toThrowError(StepError);
    try {
      substituteInputs('${inputs.missing}', {});
    } catch (err) {
      expect(err).toMatchObject({ code: 'InputMissing' });
    }
  });

  it('does not read inherited properties as inputs', () => {
    expect(() => substituteInputs('${inputs.toString}', {})).toThrowError(/no input/);
  });

  it('substitutes every string of a step body, arrays included, leaving numbers', () => {
    expect(substituteStep({ command: '${inputs.c}', args: ['-x', '${inputs.a}'], timeoutSeconds: 5 }, { c: 'tool', a: 'v' })).toEqual({
      command: 'tool',
      args: ['-x', 'v'],
      timeoutSeconds: 5,
    });
  });
});
