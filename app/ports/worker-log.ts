/** A log line written where no invocation context is at hand. */
export type WorkerLog = (line: string) => void;

// Use cases hold no invocation context; the Functions host keeps a worker's console output in its log (and
// Application Insights), so a line written here is never lost. The only console use in production code.
// eslint-disable-next-line no-console
export const workerLog: WorkerLog = (line) => console.warn(line);
