import type { GroupDocument } from '../../../domain/group.js';
import { dispatchKeyOf, type RunDocument } from '../../../domain/run.js';
import type { Versioned } from '../../../app/ports/document-store.js';
import type { WorkerLog } from '../../../app/ports/worker-log.js';
import { MemoryDispatchGates } from '../memory-dispatch-gates.js';
import { MemoryGroupQueues } from './memory-group-queues.js';
import { memoryRunCounts } from './memory-run-counts.js';
import { runPorts, seedRun, type RunPorts } from './run-ports.js';
import { ENV, seedGroup } from './use-case-ports.js';
import { WakeUpQueues } from './wake-up-queues.js';

/**
 * What the maintenance sweeps take (app/maintenance), all in memory: the run ports, queues that hold their wake-ups,
 * dispatch gates, run counts computed over the runs, the run log as lines, and the environments the sweeps go through
 * (ENV unless a test changes `environments`).
 */
export interface MaintenancePorts extends Omit<RunPorts, 'queues'> {
  queues: WakeUpQueues;
  dispatchGates: MemoryDispatchGates;
  runLog: WorkerLog;
  /** what `runLog` was given */
  runLines: string[];
  environments: string[];
  environmentIds(): Promise<string[]>;
}

export function maintenancePorts(): MaintenancePorts {
  const base = runPorts();
  const runLines: string[] = [];
  const environments = [ENV];
  return {
    ...base,
    queues: new WakeUpQueues(),
    dispatchGates: new MemoryDispatchGates(),
    runCounts: memoryRunCounts(base.runs),
    runLog: (line) => {
      runLines.push(line);
    },
    runLines,
    environments,
    environmentIds: async () => [...environments],
  };
}

/** seedGroup (use-case-ports.ts) into the maintenance ports' store and secrets. */
export function seedGroupIn(ports: MaintenancePorts, id: string, overrides: Partial<GroupDocument> = {}): Promise<Versioned<GroupDocument>> {
  return seedGroup({ ...ports, queues: new MemoryGroupQueues() }, id, 'password', overrides);
}

/** seedRun (run-ports.ts), a run queued at NOW, into the maintenance ports' runs, its dispatch key made to fit the overrides. */
export async function seedRunIn(ports: MaintenancePorts, id: string, groupId: string, overrides: Partial<RunDocument> = {}): Promise<Versioned<RunDocument>> {
  const seeded = await seedRun({ ...ports, queues: new MemoryGroupQueues() }, id, groupId, 'user-1', overrides);
  return ports.runs.docs.replace({ ...seeded, dispatchKey: dispatchKeyOf(seeded) }, seeded.etag);
}
