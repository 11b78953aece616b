import type { Principal } from '../../../domain/principal.js';
import { BotCredentials } from '../../../app/bots/bot-credentials.js';
import type { Services } from '../../../composition/services.js';
import { MemoryDispatchGates } from '../memory-dispatch-gates.js';
import { MemoryDocumentStore } from './memory-document-store.js';
import type { UseCasePorts } from './use-case-ports.js';

/**
 * The whole Services around the in-memory ports, for the use cases that still take it: those that stop and resume
 * dispatch or cancel queued runs through app/runs (group edits, deletes and reactivation). Runs are
 * absent: every run query answers nothing, and the gates are kept in memory.
 */
export function servicesOf(ports: UseCasePorts, caller: Principal): Services {
  return {
    ...ports,
    authenticator: { authenticate: async () => caller },
    botStore: new MemoryDocumentStore(),
    botCredentials: new BotCredentials(async () => new Uint8Array(32)),
    environmentIds: async () => [],
    directory: { membershipsOf: async () => ({ items: [] }), environments: async () => ({ items: [] }) },
    audit: { record: async () => undefined, confirm: async () => undefined, discard: async () => undefined, search: async () => ({ items: [] }) },
    runs: {
      docs: new MemoryDocumentStore(),
      queries: {
        nextQueued: async () => [],
        queuedCount: async () => 0,
        runningOn: async () => undefined,
        active: async () => ({ items: [] }),
        unfinished: async () => ({ items: [] }),
        ended: async () => ({ items: [] }),
        search: async () => ({ items: [] }),
        pendingCallbacks: async () => ({ items: [] }),
      },
    },
    dispatchGates: new MemoryDispatchGates(),
    rateLimiter: { take: () => ({ allowed: true }) },
  };
}
