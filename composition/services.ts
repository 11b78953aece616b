import type { Authenticator } from '../adapters/auth/jwt-authenticator.js';
import type { BotCredentials } from '../app/bots/bot-credentials.js';
import type { AppConfig } from '../app/config/app-config.js';
import type { RateLimiter } from '../api/http/rate-limiter.js';
import type { GroupQueues } from '../app/ports/group-queues.js';
import type { SecretStore } from '../app/ports/secret-store.js';
import type { RunCounts } from '../app/runs/run-counts.js';
import type { AuditLog } from '../app/audit-log.js';
import type { EnvironmentDirectory } from '../app/environment-directory.js';
import type { DispatchGates } from '../app/runs/dispatch-gates.js';
import type { RunStore } from '../app/runs/run-store.js';
import type { DocumentStore } from '../app/ports/document-store.js';

/** Everything handlers and activities depend on; built once per process by the composition root. */
export interface Services {
  config: AppConfig;
  authenticator: Authenticator;
  store: DocumentStore;
  /** bots and scaling decisions (the `bots` container, partitioned by environment) */
  botStore: DocumentStore;
  botCredentials: BotCredentials;
  secrets: SecretStore;
  /** every environment's id (the maintenance timers' only cross-partition query) */
  environmentIds(): Promise<string[]>;
  /** the caller's memberships and every environment, paged (`GET /me`, `GET /environments`) */
  directory: EnvironmentDirectory;
  /** every write by a user or app (`GET .../audit`), filed by the API wrapper */
  audit: AuditLog;
  /** live bots per group of an environment (bots not yet deleted) */
  activeBotsByGroup(environmentId: string): Promise<Record<string, number>>;
  /** queued and running runs per group of an environment (group lists and details) */
  runCounts: RunCounts;
  /** runs and idempotency records (the `runs` container) and the run queries */
  runs: RunStore;
  /** each group's dispatch gate: no run is assigned while a group may not dispatch (maintenance, switch off, deleted) */
  dispatchGates: DispatchGates;
  /** requests per caller and environment, in this process's memory (RATE_LIMIT_PER_MINUTE; per instance in Azure) */
  rateLimiter: RateLimiter;
  /** each group's Service Bus queue of wake-ups (`group-{groupId}`) */
  queues: GroupQueues;
  /** the wall clock; tests substitute a controllable one */
  now(): Date;
  newId(): string;
}
