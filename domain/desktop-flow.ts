import type { StoredDocument } from './stored-document.js';
import { canonicalHash } from './canonical-json.js';

export const MAX_FLOW_STEPS = 500;

export type FlowStep =
  | { wait: { ms: number } }
  | { output: { name: string; value: string } }
  | { fail: { message: string } }
  | { run: { command: string; args?: string[]; workingDirectory?: string; timeoutSeconds?: number } }
  | { powershell: { script: string; timeoutSeconds?: number } };

export interface FlowDefinition {
  steps: FlowStep[];
}

/**
 * A registered desktop flow: the definition a bot's agent executes (its current version). A run references the version
 * it was submitted with (`DesktopFlowVersionDocument`), so replacing the flow changes no run already submitted.
 */
export interface DesktopFlowDocument extends StoredDocument {
  type: 'desktopFlow';
  name: string;
  definition: FlowDefinition;
  ownerId: string;
  /** 1 at creation, one more each time a replace changes the definition; absent on flows written before versions (1) */
  version?: number;
  /** `definitionHashOf(definition)`: names the version document; absent on flows written before versions */
  definitionHash?: string;
}

export const DESKTOP_FLOW_VERSION = 'desktopFlowVersion' as const;

/**
 * One definition a flow has had, immutable, in the flow's partition of the control container. Its id is derived from
 * the flow's id and the definition's hash, so writing the same definition twice is the same document (a retried or
 * raced write changes nothing) and runs find it by the hash they carry. Kept when the flow is deleted: runs that
 * reference it may still be queued.
 */
export interface DesktopFlowVersionDocument extends StoredDocument {
  type: typeof DESKTOP_FLOW_VERSION;
  desktopFlowId: string;
  /** the flow's version number when this definition was first written */
  version: number;
  definitionHash: string;
  definition: FlowDefinition;
}

/** sha256 (hex) of the definition as canonical JSON (keys sorted), so that equal definitions hash equally. */
export function definitionHashOf(definition: FlowDefinition): string {
  return canonicalHash(definition);
}

export function desktopFlowVersionId(desktopFlowId: string, definitionHash: string): string {
  return `${DESKTOP_FLOW_VERSION}:${desktopFlowId}:${definitionHash}`;
}
