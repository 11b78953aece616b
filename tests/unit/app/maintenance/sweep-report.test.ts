import { describe, expect, it } from 'vitest';
import type { MaintenanceActionDocument } from '../../../../domain/maintenance.js';
import { sweepLogLines } from '../../../../app/maintenance/sweep-report.js';

const action = (fields: Partial<MaintenanceActionDocument>) =>
  ({ environmentId: 'env', sweep: 'stuckRuns', action: 'runRequeued', reason: 'BotGone', ...fields }) as MaintenanceActionDocument;

describe('sweepLogLines', () => {
  it('gives the summary, then one line per action with the ids it has', () => {
    const lines = sweepLogLines({
      sweep: 'stuckRuns',
      environments: 2,
      skipped: 1,
      actions: [action({ groupId: 'g', runId: 'r' }), action({ action: 'wakeUpResent', reason: 'QueueEmpty', groupId: 'g' })],
    });
    expect(lines).toEqual([
      'maintenance.stuckRuns environments=2 skipped=1 actions=2 runRequeued=1 wakeUpResent=1',
      'maintenance.runRequeued environmentId=env reason=BotGone groupId=g runId=r',
      'maintenance.wakeUpResent environmentId=env reason=QueueEmpty groupId=g',
    ]);
  });

  it('is the summary alone when the sweep did nothing', () => {
    expect(sweepLogLines({ sweep: 'orphans', environments: 0, skipped: 0, actions: [] })).toEqual(['maintenance.orphans environments=0 skipped=0 actions=0']);
  });
});
