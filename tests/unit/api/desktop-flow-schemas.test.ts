import { describe, expect, it } from 'vitest';
import {
  desktopFlowWriteSchema,
  flowDefinitionSchema,
  flowStepSchema,
  MAX_FAIL_MESSAGE_LENGTH,
  MAX_OUTPUT_VALUE_BYTES,
  MAX_WAIT_MS,
} from '../../../api/desktop-flow-schemas.js';
import { MAX_FLOW_STEPS } from '../../../domain/desktop-flow.js';
import { zodIssuesToFieldErrors } from '../../../api/http/json-body.js';

const wait = (ms: number) => ({ wait: { ms } });

/** The field list a 400 would carry for this definition, or undefined when it is valid. */
function errorsOf(definition: unknown) {
  const result = flowDefinitionSchema.safeParse(definition);
  return result.success ? undefined : zodIssuesToFieldErrors(result.error.issues);
}

describe('flowStepSchema', () => {
  it.each([
    ['a wait of 0 ms', wait(0)],
    ['a wait of one hour', wait(MAX_WAIT_MS)],
    ['an output', { output: { name: 'invoice', value: '42' } }],
    ['an output with an empty value', { output: { name: 'x', value: '' } }],
    ['an output of exactly 64 KiB', { output: { name: 'blob', value: 'a'.repeat(MAX_OUTPUT_VALUE_BYTES) } }],
    ['a fail', { fail: { message: 'Invoice system unreachable' } }],
    ['a fail with the longest message', { fail: { message: 'm'.repeat(MAX_FAIL_MESSAGE_LENGTH) } }],
  ])('accepts %s', (_what, step) => {
    expect(flowStepSchema.parse(step)).toEqual(step);
  });

  it.each([
    ['a negative wait', wait(-1)],
    ['a wait over an hour', wait(MAX_WAIT_MS + 1)],
    ['a fractional wait', wait(1.5)],
    ['a wait given as a string', { wait: { ms: '500' } }],
    ['an output without a value', { output: { name: 'x' } }],
    ['an output with an empty name', { output: { name: '', value: 'v' } }],
    ['an output name over 100 characters', { output: { name: 'n'.repeat(101), value: 'v' } }],
    ['an output value over 64 KiB', { output: { name: 'blob', value: 'a'.repeat(MAX_OUTPUT_VALUE_BYTES + 1) } }],
    ['an output value over 64 KiB in UTF-8 bytes only', { output: { name: 'blob', value: 'é'.repeat(MAX_OUTPUT_VALUE_BYTES / 2 + 1) } }],
    ['a fail message over 2000 characters', { fail: { message: 'm'.repeat(MAX_FAIL_MESSAGE_LENGTH + 1) } }],
    ['an unknown field inside a step', { wait: { ms: 1, jitter: 5 } }],
    ['an unknown step kind', { click: { x: 1 } }],
    ['a step with two kinds', { wait: { ms: 1 }, fail: { message: 'x' } }],
    ['an empty step', {}],
    ['a step that is not an object', 'wait'],
    ['a step that is an array', [wait(1)]],
    ['null', null],
  ])('refuses %s', (_what, step) => {
    expect(flowStepSchema.safeParse(step).success).toBe(false);
  });
});

describe('flowDefinitionSchema', () => {
  it(`accepts ${MAX_FLOW_STEPS} steps and an empty list, refuses ${MAX_FLOW_STEPS + 1}`, () => {
    expect(errorsOf({ steps: Array.from({ length: MAX_FLOW_STEPS }, () => wait(1)) })).toBeUndefined();
    expect(errorsOf({ steps: [] })).toBeUndefined();
    expect(errorsOf({ steps: Array.from({ length: MAX_FLOW_STEPS + 1 }, () => wait(1)) })).toEqual([
      { field: 'steps', message: `A desktop flow has at most ${MAX_FLOW_STEPS} steps.` },
    ]);
  });

  it('refuses a definition without steps or with unknown fields', () => {
    expect(errorsOf({})).toEqual([expect.objectContaining({ field: 'steps' })]);
    expect(errorsOf({ steps: [], variables: {} })).toEqual([expect.objectContaining({ field: 'variables' })]);
  });

  it('names the step and says what is wrong with it', () => {
    expect(errorsOf({ steps: [wait(1), { click: {} }] })).toEqual([
      { field: 'steps.1', message: 'Unknown step kind "click"; expected one of wait, output, fail, run, powershell.' },
    ]);
    expect(errorsOf({ steps: [{ wait: { ms: 1 }, output: { name: 'a', value: 'b' } }] })).toEqual([
      { field: 'steps.0', message: 'A step must have exactly one key (wait, output, fail, run, powershell); this one has 2: wait, output.' },
    ]);
    expect(errorsOf({ steps: [{}] })).toEqual([
      { field: 'steps.0', message: 'A step must have exactly one key (wait, output, fail, run, powershell); this one has 0.' },
    ]);
    expect(errorsOf({ steps: [7] })).toEqual([
      { field: 'steps.0', message: 'A step must be an object with exactly one key: wait, output, fail, run, powershell.' },
    ]);
    expect(errorsOf({ steps: [{ output: { name: 'a' } }] })).toEqual([
      { field: 'steps.0', message: expect.stringMatching(/^Not a valid output step: output\.value: /) },
    ]);
    expect(errorsOf({ steps: [{ wait: { ms: 1, jitter: 2 } }] })).toEqual([
      expect.objectContaining({ field: expect.stringMatching(/^steps\.0/), message: expect.stringContaining('jitter') }),
    ]);
    expect(errorsOf({ steps: [wait(-5)] })).toEqual([expect.objectContaining({ field: 'steps.0.wait.ms' })]);
  });
});

describe('desktopFlowWriteSchema', () => {
  it('takes a name, an optional description and a definition, and nothing else', () => {
    const body = { name: 'Post invoices', definition: { steps: [wait(10)] } };
    expect(desktopFlowWriteSchema.parse(body)).toEqual(body);
    expect(desktopFlowWriteSchema.safeParse({ ...body, description: 'd'.repeat(2000) }).success).toBe(true);
    expect(desktopFlowWriteSchema.safeParse({ ...body, description: 'd'.repeat(2001) }).success).toBe(false);
    expect(desktopFlowWriteSchema.safeParse({ ...body, name: '' }).success).toBe(false);
    expect(desktopFlowWriteSchema.safeParse({ ...body, owner: 'me' }).success).toBe(false);
    expect(desktopFlowWriteSchema.safeParse({ name: 'No definition' }).success).toBe(false);
  });
});
