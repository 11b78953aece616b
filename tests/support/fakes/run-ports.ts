import { queuedRun, type RunDocument } from '../../../domain/run.js';
import type { Versioned } from '../../../app/ports/document-store.js';
import { MemoryDocumentStore } from './memory-document-store.js';
import { MemoryRunStore } from './memory-run-store.js';
import { ENV, NOW, useCasePorts, type UseCasePorts } from './use-case-ports.js';

/** The use-case ports plus a runs container and a bots container in memory: what the run use cases take. */
export interface RunPorts extends UseCasePorts {
  runs: MemoryRunStore;
  botStore: MemoryDocumentStore;
}

export function runPorts(): RunPorts {
  return { ...useCasePorts(), runs: new MemoryRunStore(), botStore: new MemoryDocumentStore() };
}

/** A queued run of `groupId` submitted by `submittedBy`, written to the runs container. */
export async function seedRun(
  ports: RunPorts,
  id: string,
  groupId: string,
  submittedBy: string,
  overrides: Partial<RunDocument> = {},
): Promise<Versioned<RunDocument>> {
  const run = queuedRun(
    {
      id,
      environmentId: ENV,
      groupId,
      connectionId: 'connection-1',
      desktopFlow: { id: 'flow-1', name: 'Flow', version: 1, definitionHash: 'hash-1' },
      inputs: {},
      priority: 'Normal',
      timeoutMinutes: 60,
      submittedBy,
    },
    new Date(NOW),
  );
  return ports.runs.docs.create({ ...run, ...overrides });
}
