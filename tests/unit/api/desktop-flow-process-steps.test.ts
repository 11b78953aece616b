import { describe, expect, it } from 'vitest';
import {
  flowDefinitionSchema,
  flowStepSchema,
  MAX_ARGS,
  MAX_COMMAND_LENGTH,
  MAX_SCRIPT_LENGTH,
  MAX_STEP_TIMEOUT_SECONDS,
} from '../../../api/desktop-flow-schemas.js';
import { zodIssuesToFieldErrors } from '../../../api/http/json-body.js';

function errorsOf(definition: unknown) {
  const result = flowDefinitionSchema.safeParse(definition);
  return result.success ? undefined : zodIssuesToFieldErrors(result.error.issues);
}

describe('run and powershell steps in a definition', () => {
  it.each([
    ['a bare command', { run: { command: 'C:\\tools\\post.exe' } }],
    ['a command with everything', { run: { command: 'node', args: ['-e', '${inputs.script}', ''], workingDirectory: 'C:\\work', timeoutSeconds: 60 } }],
    ['the longest timeout', { run: { command: 'x', timeoutSeconds: MAX_STEP_TIMEOUT_SECONDS } }],
    ['the most arguments', { run: { command: 'x', args: Array.from({ length: MAX_ARGS }, () => 'a') } }],
    ['a script', { powershell: { script: 'Get-Date | ConvertTo-Json' } }],
    ['the longest script, with a timeout', { powershell: { script: 's'.repeat(MAX_SCRIPT_LENGTH), timeoutSeconds: 5 } }],
  ])('accepts %s', (_what, step) => {
    expect(flowStepSchema.parse(step)).toEqual(step);
  });

  it.each([
    ['an empty command', { run: { command: '' } }, 'steps.0.run.command'],
    ['a blank command', { run: { command: '   ' } }, 'steps.0.run.command'],
    ['a command too long', { run: { command: 'c'.repeat(MAX_COMMAND_LENGTH + 1) } }, 'steps.0.run.command'],
    ['a negative timeout', { run: { command: 'x', timeoutSeconds: -1 } }, 'steps.0.run.timeoutSeconds'],
    ['a zero timeout', { run: { command: 'x', timeoutSeconds: 0 } }, 'steps.0.run.timeoutSeconds'],
    ['a fractional timeout', { run: { command: 'x', timeoutSeconds: 1.5 } }, 'steps.0.run.timeoutSeconds'],
    ['a timeout over a day', { run: { command: 'x', timeoutSeconds: MAX_STEP_TIMEOUT_SECONDS + 1 } }, 'steps.0.run.timeoutSeconds'],
    ['args as a string', { run: { command: 'x', args: '-v' } }, 'steps.0.run.args'],
    ['too many args', { run: { command: 'x', args: Array.from({ length: MAX_ARGS + 1 }, () => 'a') } }, 'steps.0.run.args'],
    ['a NUL in an argument', { run: { command: 'x', args: ['a\0b'] } }, 'steps.0.run.args.0'],
    ['an empty working directory', { run: { command: 'x', workingDirectory: '' } }, 'steps.0.run.workingDirectory'],
    ['a shell field', { run: { command: 'x', shell: true } }, 'steps.0'],
    ['an empty script', { powershell: { script: '' } }, 'steps.0.powershell.script'],
    ['a script too long', { powershell: { script: 's'.repeat(MAX_SCRIPT_LENGTH + 1) } }, 'steps.0.powershell.script'],
    ['a script with a negative timeout', { powershell: { script: 'x', timeoutSeconds: -5 } }, 'steps.0.powershell.timeoutSeconds'],
  ])('refuses %s, naming the field', (_what, step, field) => {
    const errors = errorsOf({ steps: [step] });
    expect(errors).toHaveLength(1);
    // zod names the field in the path, or (when the union cannot tell the branch) the step in the path and the field in the message
    const [first] = errors ?? [];
    const named = `${first?.field ?? ''}: ${first?.message ?? ''}`;
    const inStep = field.replace(/^steps\.0\.?/, '');
    expect(first?.field.startsWith(field) || (first?.field === 'steps.0' && named.includes(inStep))).toBe(true);
  });

  it('says which run field is wrong', () => {
    expect(errorsOf({ steps: [{ run: { command: '' } }] })).toEqual([{ field: 'steps.0.run.command', message: expect.any(String) }]);
  });
});
