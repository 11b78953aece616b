import { STEP_ERROR_CODES, StepError } from './step-errors.js';

const REFERENCE = /\$\{inputs\.([^}]*)\}/g;

/**
 * Replaces each `${inputs.NAME}` in `text` with the run's input NAME (strings as they are, other values as JSON).
 * One pass over the original text: a substituted value is never searched for references itself.
 * A reference to an input the run was not given fails the step with `InputMissing`.
 */
export function substituteInputs(text: string, inputs: Readonly<Record<string, unknown>>): string {
  return text.replace(REFERENCE, (_match, name: string) => {
    if (!Object.hasOwn(inputs, name) || inputs[name] === undefined) {
      throw new StepError(STEP_ERROR_CODES.inputMissing, `The step references \${inputs.${name.slice(0, 100)}}, but the run has no input of that name.`);
    }
    const value = inputs[name];
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** Substitutes inputs in every string of a step's body (strings, and strings inside arrays), leaving other values. */
export function substituteStep<T extends object>(body: T, inputs: Readonly<Record<string, unknown>>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = substituteInputs(value, inputs);
    else if (Array.isArray(value)) out[key] = value.map((v: unknown) => (typeof v === 'string' ? substituteInputs(v, inputs) : v));
    else out[key] = value;
  }
  return out as T;
}
