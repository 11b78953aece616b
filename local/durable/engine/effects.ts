import type { WorkItem } from '../store/work-item-store.js';
import type { InstanceMessage, ParentRef } from './instance-message.js';

/** A sub-orchestration to create (or a restarted one, for retries). */
export interface ChildStart {
  instanceId: string;
  name: string;
  executionId: string;
  input: string | undefined;
  parent: ParentRef;
}

/** What an episode asks of the world; the committer applies these before the instance's own state. */
export type Effect =
  | { type: 'activity'; item: WorkItem }
  | { type: 'message'; target: string; message: InstanceMessage; visibleAt?: number; id?: string }
  | { type: 'startChild'; child: ChildStart }
  | { type: 'cancelMessage'; target: string; id: string };

/** Lifecycle lines for the host log (never inputs or outputs). */
export type LifecycleNotice =
  | { kind: 'started'; instanceId: string; name: string }
  | { kind: 'completed'; instanceId: string; name: string; createdTime: string }
  | { kind: 'continuedAsNew'; instanceId: string; name: string }
  | { kind: 'failed'; instanceId: string; name: string; reason: string }
  | { kind: 'terminated'; instanceId: string; name: string };
