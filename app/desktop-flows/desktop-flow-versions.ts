import {
  definitionHashOf,
  DESKTOP_FLOW_VERSION,
  desktopFlowVersionId,
  type DesktopFlowDocument,
  type DesktopFlowVersionDocument,
  type FlowDefinition,
} from '../../domain/desktop-flow.js';
import type { RunDocument } from '../../domain/run.js';
import { DuplicateDocumentError, type DocumentStore } from '../ports/document-store.js';

/** What writing a flow version needs: the store, and the time it is written at. */
export interface FlowVersionPorts {
  store: DocumentStore;
  now(): Date;
}

/** What a run records of the flow it is submitted with. */
export interface FlowVersionRef {
  version: number;
  definitionHash: string;
}

/**
 * Writes the version document of `definition` unless it exists already (same flow, same hash: the same content), and
 * answers its hash. Written before the flow document that names it, so a flow never names a version that is missing.
 */
export async function recordFlowVersion(
  deps: FlowVersionPorts,
  environmentId: string,
  desktopFlowId: string,
  version: number,
  definition: FlowDefinition,
): Promise<string> {
  const definitionHash = definitionHashOf(definition);
  const now = deps.now().toISOString();
  try {
    await deps.store.create<DesktopFlowVersionDocument>({
      id: desktopFlowVersionId(desktopFlowId, definitionHash),
      environmentId,
      type: DESKTOP_FLOW_VERSION,
      desktopFlowId,
      version,
      definitionHash,
      definition,
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    if (!(err instanceof DuplicateDocumentError)) throw err;
  }
  return definitionHash;
}

/**
 * The version a run submitted now references. A flow written before versions has no hash: its version document is
 * written on first use (one create, answered 409 once it exists) until the flow is next replaced.
 */
export async function currentFlowVersion(deps: FlowVersionPorts, flow: DesktopFlowDocument): Promise<FlowVersionRef> {
  const version = flow.version ?? 1;
  if (flow.definitionHash) return { version, definitionHash: flow.definitionHash };
  return { version, definitionHash: await recordFlowVersion(deps, flow.environmentId, flow.id, version, flow.definition) };
}

/** A version document is gone only if the store lost it: the run's definition cannot be given. */
export class FlowVersionMissingError extends Error {
  constructor(readonly runId: string) {
    super(`The desktop flow version of run ${runId} was not found.`);
    this.name = 'FlowVersionMissingError';
  }
}

/** The definition a run executes: one point read of its flow version (runs written before versions carry a copy). */
export async function runDefinition(
  deps: { store: DocumentStore },
  run: Pick<RunDocument, 'id' | 'environmentId' | 'desktopFlowId' | 'definitionHash' | 'definition'>,
): Promise<FlowDefinition> {
  if (run.definition) return run.definition;
  const version = await deps.store.get<DesktopFlowVersionDocument>(run.environmentId, desktopFlowVersionId(run.desktopFlowId, run.definitionHash));
  if (!version || version.type !== DESKTOP_FLOW_VERSION) throw new FlowVersionMissingError(run.id);
  return version.definition;
}
