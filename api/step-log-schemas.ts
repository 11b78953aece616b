import { z } from 'zod';
import { MAX_FLOW_STEPS } from '../domain/desktop-flow.js';

const MAX_LOG_TEXT = 8 * 1024;

/** One step's log as the agent reports it and a run shows it (docs/agent-steps.md). */
export const stepLogSchema = z
  .strictObject({
    step: z.number().int().min(-1).describe('The step index in the definition; -1 for the entry saying logs were left out.'),
    kind: z.string().max(40),
    command: z.string().max(MAX_LOG_TEXT).optional(),
    exitCode: z.number().int().nullable().optional(),
    durationMs: z.number().int().min(0),
    stdout: z.string().max(MAX_LOG_TEXT).optional().describe('The tail of stdout.'),
    stderr: z.string().max(MAX_LOG_TEXT).optional().describe('The tail of stderr.'),
    error: z.string().max(MAX_LOG_TEXT).optional(),
  })
  .meta({ id: 'StepLog' });

/** A run's step logs: at most one per step plus the left-out note; a run keeps the first 32 KiB of them. */
export const stepLogsSchema = z.array(stepLogSchema).max(MAX_FLOW_STEPS + 1);
