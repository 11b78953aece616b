import { z } from 'zod';
import type { GroupHistory } from '../../../app/groups/group-history-read.js';

const nullableNumber = (description: string) => z.number().nullable().describe(description);

export const historyPointSchema = z
  .object({
    at: z.string().describe('Start of the step (UTC).'),
    utilisation: nullableNumber('Busy bot-minutes ÷ live bot-minutes over the step (0..1); null with no live bot or no sample.'),
    queued: nullableNumber('Runs waiting, averaged over the samples of the step.'),
    queuedMax: nullableNumber('Most runs waiting at a sample of the step.'),
    waitingP95Seconds: nullableNumber(
      "Estimated 95th percentile of the waits of the queued runs (from the queue head's age: docs/observability.md), the step's highest.",
    ),
    liveBots: nullableNumber('Bots not Deleted or Failed, averaged over the samples.'),
    busyBots: nullableNumber('Bots running a run, averaged over the samples.'),
  })
  .meta({ id: 'GroupHistoryPoint' });

export const groupHistorySchema = z
  .object({
    groupId: z.string(),
    from: z.string(),
    to: z.string(),
    stepMinutes: z.number().int().describe('Minutes each point covers: 1 up to 24 h, wider beyond (at most 1440 points).'),
    points: z.array(historyPointSchema).describe('One point per step, oldest first; null values where the controller took no sample.'),
  })
  .meta({ id: 'GroupHistory' });

export function groupHistoryResource(history: GroupHistory): z.infer<typeof groupHistorySchema> {
  return { groupId: history.groupId, from: history.from, to: history.to, stepMinutes: history.stepMinutes, points: history.points };
}
