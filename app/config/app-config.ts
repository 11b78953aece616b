import { z } from 'zod';

/** a number as people write it in a setting: decimal digits, an optional sign and fraction (not `0x10`, `1e3` or `Infinity`) */
const decimal = z
  .string()
  .trim()
  .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'a decimal number')
  .transform(Number);
const positiveInt = (fallback: number) => decimal.pipe(z.number().int().positive()).default(fallback);
const positive = (fallback: number) => decimal.pipe(z.number().positive()).default(fallback);
/** six-field NCRONTAB (seconds first), as the Functions host reads timer schedules */
const ncrontab = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^\S+( \S+){5}$/, 'six-field NCRONTAB, seconds first')
    .default(fallback);

/**
 * Every app setting the code reads, with its doc and format. In Azure these are app settings (set by the
 * Bicep); locally, environment variables set by the local cloud. Nothing else reads `process.env`.
 */
export const appConfigSchema = z
  .object({
    COSMOS_ENDPOINT: z.url().describe('Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/'),
    COSMOS_KEY: z.string().min(1).optional().describe('Local emulator only. In Azure the managed identity holds a Cosmos data-plane role instead.'),
    SERVICEBUS_NAMESPACE: z
      .string()
      .min(1)
      .optional()
      .describe('Fully qualified Service Bus namespace (<name>.servicebus.windows.net); used with the managed identity.'),
    SERVICEBUS_CONNECTION_STRING: z.string().min(1).optional().describe('Local peer only: an emulator connection string.'),
    KEYVAULT_URL: z.url().describe('Key Vault URL holding local-account and connection passwords.'),
    AUTH_ISSUER: z.string().min(1).describe('Expected token issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0'),
    AUTH_AUDIENCE: z.string().min(1).describe("Accepted token audience(s), comma-separated: the API's client id (v2 tokens) and/or its app id URI."),
    AUTH_JWKS_URI: z.url().describe('JWKS of the issuer, e.g. https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys'),
    AZURE_CLIENT_ID: z.string().min(1).optional().describe('Client id of the user-assigned managed identity (Azure).'),
    LOCAL_CA_CERT_FILE: z.string().min(1).optional().describe('Local only: PEM of the local cloud CA, trusted by the HTTPS-only clients.'),
    PROVISIONER: z.enum(['simulated', 'arm']).default('arm').describe('Which bot provisioner runs: simulated locally, arm in Azure.'),
    LOCAL_PROVISION_DELAY_MS: decimal.pipe(z.number().int().min(0)).default(30_000).describe('How long a simulated bot takes to provision.'),
    LOCAL_PROVISION_FAILURE_RATE: decimal
      .pipe(z.number().min(0).max(1))
      .default(0)
      .describe('Local only: the share (0..1) of simulated provisions that fail with a retryable SimulatedFailure.'),
    AZURE_SUBSCRIPTION_ID: z.string().min(1).optional().describe("ARM provisioner: subscription of the bots' resource group (required with PROVISIONER=arm)."),
    BOTS_RESOURCE_GROUP: z
      .string()
      .min(1)
      .optional()
      .describe('ARM provisioner: resource group where bot VMs, NICs and disks are created (required with PROVISIONER=arm).'),
    BOTS_SUBNET_ID: z.string().min(1).optional().describe('ARM provisioner: resource id of the subnet bot NICs join (required with PROVISIONER=arm).'),
    DEPLOYMENT_ID: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Tag value (hosted-rpa-deployment) put on every bot resource, so listing and teardown only touch this deployment's (required with PROVISIONER=arm).",
      ),
    BOT_IDENTITY_RESOURCE_ID: z
      .string()
      .min(1)
      .optional()
      .describe('ARM provisioner: resource id of the user-assigned identity attached to every bot VM (reads the agent package container).'),
    BOT_IDENTITY_CLIENT_ID: z
      .string()
      .min(1)
      .optional()
      .describe('ARM provisioner: client id of that identity; the Custom Script Extension downloads the agent package with it.'),
    AGENT_PACKAGE_URL: z
      .url()
      .optional()
      .describe(
        'ARM provisioner: URL of the blob container holding install-agent.ps1 and hosted-rpa-agent.zip (npm run package:agent); absent: the VM image must carry the agent (docs/deploy.md).',
      ),
    AGENT_QUEUE_SAS_RULE: z
      .string()
      .min(1)
      .default('bot-listen')
      .describe(
        'Listen-only Service Bus authorization rule whose key (Key Vault secret agent-queue-sas-key) signs the per-queue SAS tokens bot agents receive with.',
      ),
    BOT_IDLE_TIMEOUT_SECONDS: positiveInt(900).describe('An uncommitted bot idle this long is torn down.'),
    GROUP_IDLE_TEARDOWN_HOURS: positive(3).describe('A group idle this long keeps no bots, committed ones included.'),
    QUEUED_RUN_TIMEOUT_MINUTES: positive(360).describe('A run queued this long ends TimedOut (NoCandidateMachine).'),
    INACTIVE_GROUP_DAYS: positive(28).describe('Inactivity before the cleanup timer marks a group deleted.'),
    BOT_HEARTBEAT_TIMEOUT_SECONDS: positiveInt(120).describe(
      'A busy bot whose agent sent no heartbeat for this long is declared lost: its run is requeued and the bot torn down.',
    ),
    CONTROLLER_INTERVAL_SECONDS: positiveInt(60).describe('The environment controller plans again at least this often, even when nothing wakes it.'),
    CONTROLLER_QUIET_INTERVAL_SECONDS: positiveInt(240).describe(
      'The same, for an environment with nothing to watch (no live bot, nothing queued or running, nothing committed): anything that changes that wakes its controller at once.',
    ),
    RUN_RETENTION_DAYS: positiveInt(90).describe('An ended run is kept this long after it ended, then expires (Cosmos per-item ttl).'),
    BOT_RECORD_RETENTION_DAYS: positiveInt(30).describe(
      "A deleted or failed bot's record is kept this long after it went, then expires (Cosmos per-item ttl).",
    ),
    INACTIVE_GROUP_CLEANUP_SCHEDULE: ncrontab('0 30 2 * * *').describe('NCRONTAB of the inactive-group cleanup timer (daily by default).'),
    ORPHAN_SWEEP_SCHEDULE: ncrontab('0 */5 * * * *').describe('NCRONTAB of the orphan sweep: VMs without a live bot, bots without a VM.'),
    RUN_DEADLINE_SWEEP_SCHEDULE: ncrontab('15 * * * * *').describe(
      'NCRONTAB of the run-deadline sweep: runs queued longer than QUEUED_RUN_TIMEOUT_MINUTES or running past their timeoutMinutes end TimedOut.',
    ),
    STUCK_RUN_SWEEP_SCHEDULE: ncrontab('30 */5 * * * *').describe('NCRONTAB of the stuck-run sweep: lost wake-ups, runs on gone bots, missed deadlines.'),
    MAX_QUEUED_RUNS_PER_GROUP: positiveInt(10_000).describe(
      'Queued runs a group holds at most; a submission beyond answers 429 QueueFull with Retry-After (concurrent submissions may overshoot by the few in flight).',
    ),
    RATE_LIMIT_PER_MINUTE: positiveInt(1200).describe(
      'Requests each caller may make per environment per minute (429 TooManyRequests with Retry-After); counted in memory per instance of the function app, so n instances allow up to n times this.',
    ),
    OTEL_EXPORTER: z
      .enum(['azure-monitor', 'console', 'memory', 'none'])
      .default('none')
      .describe(
        'Where the OpenTelemetry metrics and traces go (docs/observability.md): azure-monitor in Azure (Application Insights with the managed identity), console or memory locally, none to emit nothing.',
      ),
    APPLICATIONINSIGHTS_CONNECTION_STRING: z
      .string()
      .min(1)
      .optional()
      .describe('Application Insights ingestion endpoint (no usable key: local auth is off); read with OTEL_EXPORTER=azure-monitor.'),
    ALLOW_HTTP_CALLBACKS: z.stringbool().default(false).describe('Accept http:// run callback URLs (local only; https only when false).'),
    ALLOW_PRIVATE_CALLBACKS: z
      .stringbool()
      .default(false)
      .describe('Accept run callback URLs whose host resolves to a private, loopback, link-local or other non-public address (local only).'),
    CALLBACK_RETRY_BASE_SECONDS: positive(30).describe(
      'First wait between run callback attempts; doubled each time, at most 1 h, for 24 h (docs/callbacks.md).',
    ),
    CALLBACK_SWEEP_SCHEDULE: ncrontab('*/15 * * * * *').describe(
      'NCRONTAB of the callback sweep: starts the delivery of ended runs whose callback is Pending.',
    ),
    WEBSITE_HOSTNAME: z.string().min(1).optional().describe('Set by the platform (and by the local host): where bot agents reach the API.'),
    AzureWebJobsStorage: z.string().min(1).optional().describe('Local only: the storage connection string; the simulated provisioner keeps its VMs there.'),
  })
  .refine((c) => c.SERVICEBUS_NAMESPACE !== undefined || c.SERVICEBUS_CONNECTION_STRING !== undefined, {
    message: 'Set SERVICEBUS_NAMESPACE (Azure) or SERVICEBUS_CONNECTION_STRING (local).',
    path: ['SERVICEBUS_NAMESPACE'],
  });

export type AppConfig = z.infer<typeof appConfigSchema>;

/**
 * Reads and validates the settings once; a missing or malformed setting stops the app with its name. A setting left
 * empty (or blank) counts as not set, as a Bicep parameter with no value writes it: its default applies, or a required
 * one is named as missing.
 */
export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = appConfigSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid app settings:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
