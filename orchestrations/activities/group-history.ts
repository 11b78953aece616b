import { z } from 'zod';
import { recordGroupHistory, type GroupHistoryPorts, type HistoryRound } from '../../app/groups/group-history.js';

const input = z.object({ environmentId: z.string() });

/**
 * The controller's history step (recordGroupHistory). It never fails the round: history and metrics are worth less
 * than planning, so a store error is logged and the round goes on (the next round samples again).
 */
export async function recordHistoryActivity(deps: GroupHistoryPorts, raw: unknown, warn: (line: string) => void): Promise<HistoryRound> {
  const { environmentId } = input.parse(raw);
  try {
    return await recordGroupHistory(deps, environmentId);
  } catch (err) {
    warn(`history ${environmentId}: not recorded this round (${(err instanceof Error ? err.message : String(err)).slice(0, 300)})`);
    return { sampled: 0 };
  }
}
