import { z } from 'zod';
import { MAX_FLOW_STEPS, type FlowStep } from '../domain/desktop-flow.js';
import { descriptionSchema, nameSchema, resourceFields } from './common-schemas.js';
import { OWNER_NAME_DESCRIPTION } from './owner-names.js';

/** The longest wait a step may ask for: one hour (a run's own timeout bounds the whole flow). */
export const MAX_WAIT_MS = 3_600_000;
/** An output value, like a run's outputs as a whole, is at most 64 KiB (UTF-8). */
export const MAX_OUTPUT_VALUE_BYTES = 64 * 1024;
export const MAX_FAIL_MESSAGE_LENGTH = 2000;

/** `run` and `powershell` steps (docs/agent-steps.md): a run's own timeout (≤ 1440 min) bounds them anyway. */
export const MAX_STEP_TIMEOUT_SECONDS = 86_400;
export const MAX_COMMAND_LENGTH = 1024;
export const MAX_ARGS = 100;
export const MAX_ARG_LENGTH = 8192;
export const MAX_SCRIPT_LENGTH = 32 * 1024;

export const STEP_KINDS = ['wait', 'output', 'fail', 'run', 'powershell'] as const;

const waitStepSchema = z.strictObject({ wait: z.strictObject({ ms: z.number().int().min(0).max(MAX_WAIT_MS) }) });

const outputStepSchema = z.strictObject({
  output: z.strictObject({
    name: z.string().min(1).max(100),
    value: z.string().refine((v) => Buffer.byteLength(v, 'utf8') <= MAX_OUTPUT_VALUE_BYTES, `Must be at most ${MAX_OUTPUT_VALUE_BYTES} bytes (UTF-8).`),
  }),
});

const failStepSchema = z.strictObject({ fail: z.strictObject({ message: z.string().max(MAX_FAIL_MESSAGE_LENGTH) }) });

/** a process cannot be given a NUL character (spawn refuses it): catch it at the edge */
const processText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !v.includes('\0'), 'Must not contain NUL characters.');
const timeoutSecondsSchema = z.number().int().min(1).max(MAX_STEP_TIMEOUT_SECONDS).optional();

const runStepSchema = z.strictObject({
  run: z.strictObject({
    command: processText(MAX_COMMAND_LENGTH).refine((v) => v.trim() !== '', 'Must name a program.'),
    args: z.array(processText(MAX_ARG_LENGTH)).max(MAX_ARGS).optional(),
    workingDirectory: processText(MAX_COMMAND_LENGTH)
      .refine((v) => v.trim() !== '', 'Must not be empty.')
      .optional(),
    timeoutSeconds: timeoutSecondsSchema,
  }),
});

const powerShellStepSchema = z.strictObject({
  powershell: z.strictObject({
    script: processText(MAX_SCRIPT_LENGTH).refine((v) => v.trim() !== '', 'Must not be empty.'),
    timeoutSeconds: timeoutSecondsSchema,
  }),
});

const BRANCHES = { wait: 0, output: 1, fail: 2, run: 3, powershell: 4 } as const satisfies Record<(typeof STEP_KINDS)[number], number>;

function isStepKind(key: string): key is (typeof STEP_KINDS)[number] {
  return (STEP_KINDS as readonly string[]).includes(key);
}

/**
 * A union of strict objects rejects a bad step with a bare "Invalid input"; this says what is wrong with it:
 * not an object, not exactly one key, an unknown kind, or (for a known kind) the first problem in its body.
 */
function describeInvalidStep(issue: z.core.$ZodRawIssue): string {
  const input = issue.input;
  const kinds = STEP_KINDS.join(', ');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return `A step must be an object with exactly one key: ${kinds}.`;
  const keys = Object.keys(input);
  if (keys.length !== 1)
    return `A step must have exactly one key (${kinds}); this one has ${keys.length}${
      keys.length
        ? `: ${keys
            .slice(0, 5)
            .map((k) => k.slice(0, 40))
            .join(', ')}`
        : ''
    }.`;
  const [key = ''] = keys;
  if (!isStepKind(key)) return `Unknown step kind "${key.slice(0, 40)}"; expected one of ${kinds}.`;
  const branchIssues = issue.code === 'invalid_union' ? issue.errors[BRANCHES[key]] : undefined;
  const first = branchIssues?.[0];
  if (!first) return `Not a valid ${key} step.`;
  const where = first.path.map(String).join('.');
  const detail = first.code === 'unrecognized_keys' ? `unknown field(s) ${first.keys.map((k) => k.slice(0, 40)).join(', ')}` : first.message;
  return `Not a valid ${key} step: ${where ? `${where}: ` : ''}${detail}`;
}

/**
 * One step the bot agent understands: `{"wait":{"ms"}}`, `{"output":{"name","value"}}`, `{"fail":{"message"}}`,
 * `{"run":{"command","args"?,"workingDirectory"?,"timeoutSeconds"?}}` or `{"powershell":{"script","timeoutSeconds"?}}`.
 */
export const flowStepSchema = z
  .union([waitStepSchema, outputStepSchema, failStepSchema, runStepSchema, powerShellStepSchema], { error: describeInvalidStep })
  .meta({ id: 'FlowStep' }) satisfies z.ZodType<FlowStep>;

export const flowDefinitionSchema = z
  .strictObject({ steps: z.array(flowStepSchema).max(MAX_FLOW_STEPS, `A desktop flow has at most ${MAX_FLOW_STEPS} steps.`) })
  .meta({ id: 'FlowDefinition' });

export const desktopFlowWriteSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.optional(),
    definition: flowDefinitionSchema,
  })
  .meta({ id: 'DesktopFlowWrite' });

export type DesktopFlowWrite = z.infer<typeof desktopFlowWriteSchema>;

const desktopFlowFields = {
  ...resourceFields,
  name: z.string(),
  description: z.string(),
  ownerId: z.string(),
  ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
  stepCount: z.number().int(),
  version: z
    .number()
    .int()
    .describe('1 at creation, one more each time a replace changes the definition; runs reference the version they were submitted with.'),
};

export const desktopFlowSummarySchema = z.object(desktopFlowFields).meta({ id: 'DesktopFlowSummary' });

export const desktopFlowSchema = z.object({ ...desktopFlowFields, definition: flowDefinitionSchema }).meta({ id: 'DesktopFlow' });
