import type { DesktopFlowRecord } from '../app/desktop-flows/desktop-flows.js';
import type { Versioned } from '../app/ports/document-store.js';

/** A desktop flow in lists: everything but the definition, which can be large; `stepCount` says how long it is. */
export function desktopFlowSummary(f: Versioned<DesktopFlowRecord>) {
  return {
    id: f.id,
    etag: f.etag,
    name: f.name,
    description: f.description ?? '',
    ownerId: f.ownerId,
    stepCount: f.definition.steps.length,
    version: f.version ?? 1,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

/** A desktop flow read on its own, with the definition a bot executes. */
export function desktopFlowResource(f: Versioned<DesktopFlowRecord>) {
  return { ...desktopFlowSummary(f), definition: f.definition };
}
