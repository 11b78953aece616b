import { QueueNotFoundError, type GroupQueues, type WakeUp } from '../../../app/ports/group-queues.js';

/**
 * Group queues that hold the wake-ups sent to them (run ids, in order), as Service Bus would: `depth` counts them,
 * and sending to or measuring a queue that was never created (or was deleted) throws QueueNotFoundError.
 * Nothing is ever received.
 */
export class WakeUpQueues implements GroupQueues {
  private readonly queues = new Map<string, string[]>();

  queueNameOf(groupId: string): string {
    return `group-${groupId}`;
  }
  async create(groupId: string): Promise<void> {
    if (!this.queues.has(groupId)) this.queues.set(groupId, []);
  }
  async delete(groupId: string): Promise<void> {
    this.queues.delete(groupId);
  }
  async sendWakeUp(groupId: string, wakeUp: WakeUp): Promise<void> {
    this.queueOf(groupId).push(wakeUp.runId);
  }
  async receiveOne(): Promise<undefined> {
    return undefined;
  }
  async depth(groupId: string): Promise<number> {
    return this.queueOf(groupId).length;
  }
  async close(): Promise<void> {}

  /** Whether the group's queue exists. */
  has(groupId: string): boolean {
    return this.queues.has(groupId);
  }
  /** The run ids of the wake-ups the group's queue holds (none for a missing queue). */
  wakeUpsOf(groupId: string): string[] {
    return [...(this.queues.get(groupId) ?? [])];
  }

  private queueOf(groupId: string): string[] {
    const queue = this.queues.get(groupId);
    if (!queue) throw new QueueNotFoundError(this.queueNameOf(groupId));
    return queue;
  }
}
