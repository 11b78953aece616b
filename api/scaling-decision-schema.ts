import { z } from 'zod';
import type { ScalingDecisionDocument } from '../domain/scaling-decision.js';

export const scalingDecisionSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.enum(['create', 'release', 'drain', 'none']),
    botIds: z.array(z.string()),
    count: z.number().int(),
    reason: z.string(),
    detail: z.string(),
  })
  .meta({ id: 'ScalingDecision' });

export function scalingDecisionResource(d: ScalingDecisionDocument): z.infer<typeof scalingDecisionSchema> {
  return { id: d.id, at: d.at, action: d.action, botIds: d.botIds, count: d.count, reason: d.reason, detail: d.detail };
}
