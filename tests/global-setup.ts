import type { TestProject } from 'vitest/node';
import { startLocalCloud, type LocalCloud } from '../local/stack/local-cloud.js';
import type { IssuerState } from '../local/stack/token-issuer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localCloud: { baseUrl: string; settings: Record<string, string>; issuer: IssuerState; caCert: string };
  }
}

let cloud: LocalCloud | undefined;

/**
 * One local cloud for every suite that needs it (the same stack `npm start` runs), on a free port, with
 * short durations so end-to-end rules play out in seconds.
 */
export async function setup(project: TestProject): Promise<void> {
  const lines: string[] = [];
  cloud = await startLocalCloud({
    port: 0,
    log: (line) => {
      lines.push(line);
      if (process.env.LOCAL_CLOUD_VERBOSE) process.stdout.write(`${line}\n`);
    },
  });
  process.stdout.write(`local cloud for tests: ${cloud.baseUrl} (${cloud.timings.map((t) => `${t.part} ${t.seconds.toFixed(1)} s`).join(', ')})\n`);
  project.provide('localCloud', { baseUrl: cloud.baseUrl, settings: cloud.settings, issuer: cloud.issuer, caCert: cloud.caCert });
}

export async function teardown(): Promise<void> {
  await cloud?.stop();
}
