import rhea from 'rhea';
import type { AmqpError } from 'rhea';
import { isRecord } from './brokered-message.js';
import type { Settlement } from './sub-queue.js';

export type DispositionEvent = 'accepted' | 'rejected' | 'released' | 'modified';
export const DISPOSITION_EVENTS: readonly DispositionEvent[] = ['accepted', 'rejected', 'released', 'modified'];

/** The SDK's condition for a dead-letter disposition, and Service Bus's for a lost lock. */
export const DEAD_LETTER_CONDITION = 'com.microsoft:dead-letter';
export const LOCK_LOST_CONDITION = 'com.microsoft:message-lock-lost';

interface Outcome {
  described(): unknown;
}

/** rhea builds outcomes at runtime (message.accepted() ...) but its typings do not declare them. */
interface OutcomeFactories {
  accepted(): Outcome;
  rejected(fields?: { error?: AmqpError }): Outcome;
  released(): Outcome;
  modified(fields?: { delivery_failed?: boolean; undeliverable_here?: boolean }): Outcome;
}

const outcomes = rhea.message as unknown as OutcomeFactories;

/**
 * How the client's disposition settles the message:
 * accepted = complete; rejected = dead-letter (reason and description in error.info);
 * released = abandon; modified = abandon, or defer when undeliverable-here (that is how the SDK defers).
 */
export function settlementFromDisposition(event: DispositionEvent, remoteState: unknown): Settlement {
  const state = isRecord(remoteState) ? remoteState : {};
  switch (event) {
    case 'accepted':
      return { kind: 'complete' };
    case 'released':
      return { kind: 'abandon' };
    case 'modified': {
      const propertiesToModify = isRecord(state.message_annotations) ? state.message_annotations : undefined;
      return state.undeliverable_here === true ? { kind: 'defer', propertiesToModify } : { kind: 'abandon', propertiesToModify };
    }
    case 'rejected': {
      const error = isRecord(state.error) ? state.error : {};
      const info = isRecord(error.info) ? { ...error.info } : {};
      const reason = stringOrUndefined(info.DeadLetterReason);
      const description = stringOrUndefined(info.DeadLetterErrorDescription);
      delete info.DeadLetterReason;
      delete info.DeadLetterErrorDescription;
      return { kind: 'deadLetter', reason, description, propertiesToModify: info };
    }
  }
}

/** The broker's final, settled answer to a disposition: the same outcome, without any error. */
export function confirmationState(event: DispositionEvent): unknown {
  switch (event) {
    case 'accepted':
      return outcomes.accepted().described();
    case 'rejected':
      return outcomes.rejected().described();
    case 'released':
      return outcomes.released().described();
    case 'modified':
      return outcomes.modified().described();
  }
}

export function rejectionState(error: AmqpError): unknown {
  return outcomes.rejected({ error }).described();
}

export function acceptedState(): unknown {
  return outcomes.accepted().described();
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
