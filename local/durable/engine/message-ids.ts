/** Inbox ids the engine derives, so that writing the same message twice stores it once. */
export const timerMessageId = (executionId: string, timerId: number) => `timer-${executionId}-${timerId}`;
export const startMessageId = (executionId: string) => `start-${executionId}`;
