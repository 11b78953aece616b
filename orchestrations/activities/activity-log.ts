/** Where an activity writes its log lines: the invocation's context (InvocationContext has both). */
export interface ActivityLog {
  info(line: string): void;
  warn(line: string): void;
}
