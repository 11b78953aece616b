import { z } from 'zod';
import { BOT_STATES } from '../../../domain/bot.js';
import { MAINTENANCE_ACTION_KINDS, SWEEPS } from '../../../domain/maintenance.js';

export const botSchema = z
  .object({
    id: z.string(),
    state: z.enum(BOT_STATES),
    imageVersion: z.string(),
    imageId: z.string(),
    since: z.string(),
    currentRunId: z.string().optional(),
    lastHeartbeatAt: z.string().optional(),
    reason: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Bot' });

export const maintenanceActionSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    sweep: z.enum(SWEEPS),
    action: z.enum(MAINTENANCE_ACTION_KINDS),
    reason: z.string(),
    detail: z.string(),
    groupId: z.string().optional(),
    botId: z.string().optional(),
    runId: z.string().optional(),
    runOutcome: z.enum(['requeued', 'failed']).optional().describe('for botLost: what became of the run the bot held'),
    vmResourceId: z.string().optional(),
  })
  .meta({ id: 'MaintenanceAction' });
