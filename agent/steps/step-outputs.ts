import { STEP_ERROR_CODES, StepError } from './step-errors.js';

/** The outputs of a run, as JSON (UTF-8), at most (PRODUCT.md "Limits and validation"). */
export const MAX_OUTPUTS_BYTES = 64 * 1024;

/**
 * A step's stdout, when it is (trimmed) one JSON object, gives outputs: its entries, strings as they are and other
 * values as JSON. Any other stdout (text, an array, invalid JSON) gives none.
 */
export function outputsFromStdout(stdout: string): Record<string, string> {
  const text = stdout.trim();
  if (!text.startsWith('{')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const outputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) outputs[name] = typeof value === 'string' ? value : JSON.stringify(value);
  return outputs;
}

export function outputsBytes(outputs: Readonly<Record<string, string>>): number {
  return Buffer.byteLength(JSON.stringify(outputs), 'utf8');
}

/** `OutputsTooLarge` once a run's outputs exceed 64 KiB as JSON. */
export function outputsSizeError(outputs: Readonly<Record<string, string>>): StepError | undefined {
  const bytes = outputsBytes(outputs);
  if (bytes <= MAX_OUTPUTS_BYTES) return undefined;
  return new StepError(STEP_ERROR_CODES.outputsTooLarge, `The run's outputs are ${bytes} bytes as JSON; at most ${MAX_OUTPUTS_BYTES} are allowed.`);
}

/** stdout too long to hold in memory, that looks like a JSON object: certainly over the outputs' limit */
export function oversizedJsonStdout(head: string, totalBytes: number): StepError | undefined {
  if (!head.trimStart().startsWith('{')) return undefined;
  return new StepError(
    STEP_ERROR_CODES.outputsTooLarge,
    `The step wrote ${totalBytes} bytes of JSON to stdout; the run's outputs are at most ${MAX_OUTPUTS_BYTES} bytes.`,
  );
}
