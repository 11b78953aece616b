import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCloud, type LocalCloud } from '../local/stack/local-cloud.js';
import type { IssuerState } from '../local/stack/token-issuer.js';
import { MAINTENANCE_TIMERS_OFF } from './support/timer-schedules.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localCloud: { baseUrl: string; settings: Record<string, string>; issuer: IssuerState; caCert: string; logFile: string };
  }
}

let cloud: LocalCloud | undefined;
let logFile: string | undefined;

/**
 * One local cloud for every suite that needs it (the same stack `npm start` runs), on a free port, with
 * short durations so end-to-end rules play out in seconds.
 */
export async function setup(project: TestProject): Promise<void> {
  // Every line the stack and the Functions host print, for tests that check what reaches the logs.
  const logDir = path.resolve('.local-cloud');
  mkdirSync(logDir, { recursive: true });
  logFile = path.join(logDir, `test-run-${process.pid}.log`);
  const file = logFile;
  cloud = await startLocalCloud({
    port: 0,
    // the maintenance timers act on every environment: tests fire them on demand instead (never on a schedule)
    settings: { ...MAINTENANCE_TIMERS_OFF, CALLBACK_RETRY_BASE_SECONDS: '1' },
    log: (line) => {
      appendFileSync(file, `${line}\n`);
      if (process.env.LOCAL_CLOUD_VERBOSE) process.stdout.write(`${line}\n`);
    },
  });
  process.stdout.write(`local cloud for tests: ${cloud.baseUrl} (${cloud.timings.map((t) => `${t.part} ${t.seconds.toFixed(1)} s`).join(', ')})\n`);
  project.provide('localCloud', { baseUrl: cloud.baseUrl, settings: cloud.settings, issuer: cloud.issuer, caCert: cloud.caCert, logFile: file });
}

export async function teardown(): Promise<void> {
  await cloud?.stop();
  // LOCAL_CLOUD_VERBOSE=1 shows the same lines on the console
  if (logFile) rmSync(logFile, { force: true });
}
