import type { GroupQueues } from '../../../app/ports/group-queues.js';

/** The group queues as a set of names: what creating and deleting a group leaves behind. Nothing is ever received. */
export class MemoryGroupQueues implements GroupQueues {
  readonly existing = new Set<string>();
  failCreate = false;

  queueNameOf(groupId: string): string {
    return `group-${groupId}`;
  }
  async create(groupId: string): Promise<void> {
    if (this.failCreate) throw new Error('Service Bus is down');
    this.existing.add(this.queueNameOf(groupId));
  }
  async delete(groupId: string): Promise<void> {
    this.existing.delete(this.queueNameOf(groupId));
  }
  async sendWakeUp(): Promise<void> {}
  async receiveOne(): Promise<undefined> {
    return undefined;
  }
  async depth(): Promise<number> {
    return 0;
  }
  async close(): Promise<void> {}
}
