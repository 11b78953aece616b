import type { GroupQueues, WakeUp } from '../../../app/ports/group-queues.js';

/**
 * The wake-up side of the group queues: every wake-up sent is recorded; `depths` sets how many messages a group's
 * queue holds (0 unless set), and a group in `unreachable` fails both calls (Service Bus is down for it).
 */
export class RecordingWakeUpQueues implements Pick<GroupQueues, 'sendWakeUp' | 'depth'> {
  readonly sent: Array<{ groupId: string } & WakeUp> = [];
  readonly depths = new Map<string, number>();
  readonly unreachable = new Set<string>();

  async sendWakeUp(groupId: string, wakeUp: WakeUp): Promise<void> {
    if (this.unreachable.has(groupId)) throw new Error(`the queue of group ${groupId} is unreachable`);
    this.sent.push({ groupId, ...wakeUp });
  }

  async depth(groupId: string): Promise<number> {
    if (this.unreachable.has(groupId)) throw new Error(`the queue of group ${groupId} is unreachable`);
    return this.depths.get(groupId) ?? 0;
  }
}
