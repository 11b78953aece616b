import type { ClaimResponse, QueueCredentialResponse, RunAccount } from '../protocol/agent-protocol.js';
import type { BotIdentity } from './bots/bot-credentials.js';
import { setState, type BotRecordPorts } from './bots/bot-records.js';
import type { ConnectionDocument } from '../domain/connection.js';
import type { CredentialDocument } from '../domain/credential.js';
import type { RunDocument } from '../domain/run.js';
import { AppError } from '../domain/errors/app-error.js';
import { errorMessage } from '../domain/errors/error-probe.js';
import { AGENT_QUEUE_SAS_KEY_SECRET, signEntitySasToken } from './bots/queue-sas-token.js';
import { currentBot, failUnstartableRun } from './agent.js';
import type { RunChangePorts } from './runs/transitions.js';
import { credentialPassword } from './connections/credentials.js';
import { FlowVersionMissingError, runDefinition } from './desktop-flows/desktop-flow-versions.js';
import type { AppConfig } from './config/app-config.js';
import type { GroupQueues } from './ports/group-queues.js';
import type { SecretStore } from './ports/secret-store.js';
import { claimNextRun, type FinishResult } from './runs/index.js';
import { readForClaim, type ClaimPorts } from './runs/claim.js';

type NamespaceConfig = Pick<AppConfig, 'SERVICEBUS_NAMESPACE' | 'SERVICEBUS_CONNECTION_STRING'>;

/** What the agent's claim and queue credential need: the claim's ports, the bot's record, and the secrets it hands out. */
export interface AgentDispatchPorts extends ClaimPorts, BotRecordPorts, RunChangePorts {
  /** the queue signing key, and the run connection's password */
  secrets: Pick<SecretStore, 'get'>;
  queues: Pick<GroupQueues, 'receiveOne' | 'queueNameOf'>;
  config: NamespaceConfig & Pick<AppConfig, 'AGENT_QUEUE_SAS_RULE'>;
}

/** Agents renew well before this; short, so that a revoked bot stops receiving soon. */
export const AGENT_QUEUE_TOKEN_LIFETIME_MS = 60 * 60_000;

/** `<name>.servicebus.windows.net` in Azure; locally the peer's `host:port` from its connection string. */
export function serviceBusNamespaceOf(config: NamespaceConfig): string {
  if (config.SERVICEBUS_NAMESPACE) return config.SERVICEBUS_NAMESPACE;
  const endpoint = /Endpoint=sb:\/\/([^/;]+)/i.exec(config.SERVICEBUS_CONNECTION_STRING ?? '')?.[1];
  if (!endpoint) throw new Error('SERVICEBUS_NAMESPACE or a connection string with an Endpoint is required.');
  return endpoint;
}

/** A receive-only token for the bot's own group queue, signed with the Listen-only rule's key. */
export async function agentQueueCredential(deps: AgentDispatchPorts, identity: BotIdentity): Promise<QueueCredentialResponse> {
  await currentBot(deps, identity);
  const key = await deps.secrets.get({ name: AGENT_QUEUE_SAS_KEY_SECRET }).catch(() => {
    throw new AppError('DependencyUnavailable', 'The queue signing key is not available.');
  });
  const fullyQualifiedNamespace = serviceBusNamespaceOf(deps.config);
  const queueName = deps.queues.queueNameOf(identity.groupId);
  const signed = signEntitySasToken({
    fullyQualifiedNamespace,
    entityPath: queueName,
    keyName: deps.config.AGENT_QUEUE_SAS_RULE,
    key,
    expiresOn: new Date(deps.now().getTime() + AGENT_QUEUE_TOKEN_LIFETIME_MS),
  });
  return { fullyQualifiedNamespace, queueName, sasToken: signed.token, expiresOn: signed.expiresOn.toISOString() };
}

/** The account the run's process starts as: the run connection's own password, or its credential's. */
async function runAccount(deps: Pick<AgentDispatchPorts, 'store' | 'secrets'>, run: RunDocument): Promise<RunAccount> {
  const connection = await deps.store.get<ConnectionDocument>(run.environmentId, run.connectionId);
  if (!connection) throw AppError.notFound('Connection');
  if (connection.password) return { username: connection.username, password: await deps.secrets.get(connection.password) };
  const credential = connection.credentialId ? await deps.store.get<CredentialDocument>(run.environmentId, connection.credentialId) : undefined;
  if (!credential) throw AppError.notFound('Credential');
  return { username: credential.username, password: await credentialPassword(deps, credential) };
}

/** The claim's answer to the agent, and the run it ended instead when that run could not start. */
export interface ClaimOutcome {
  response: ClaimResponse;
  /** the claimed run ended Failed `RunNotStartable` (failUnstartableRun): what ending a run sets off is the caller's */
  ended?: FinishResult & { lifecycleWaits: boolean };
}

/**
 * The agent received a wake-up from its group queue: assign the group's next run (in dispatch order, resolved
 * against Cosmos by claim.ts) to the bot and mark the bot Busy. A retried claim of the same bot answers the same
 * run (`resumed`). The agent completes its message whatever the answer (docs/agent.md).
 */
export async function agentClaim(deps: AgentDispatchPorts, identity: BotIdentity): Promise<ClaimOutcome> {
  const request = { environmentId: identity.environmentId, groupId: identity.groupId, botId: identity.botId, receive: false };
  // the claim's reads go out with the bot's: nothing is written before the bot is known to be current
  const [bot, reads] = await Promise.all([currentBot(deps, identity), readForClaim(deps, request)]);
  const leaving = bot.releaseRequested ? 'ReleaseRequested' : bot.drainRequested ? 'DrainRequested' : undefined;
  // a leaving bot takes no new run, but its restarted agent gets back the run it holds (its lifecycle waits for it)
  const held = leaving ? reads.held : undefined;
  if (leaving && !held) return { response: { none: leaving } };
  const result = held ? { run: held, resumed: true } : await claimNextRun(deps, request, reads);
  if (!('run' in result)) return { response: { none: result.none } };
  const run = result.run;
  // busy from now: the heartbeat timeout counts from the claim (the idle agent last heartbeat up to 2 min ago); the
  // reads of what the agent executes go alongside, since the run is the bot's already (the answer waits for all three)
  const [busy, definition, account] = await Promise.allSettled([
    setState(deps, identity, 'Busy', { currentRunId: run.id, lastHeartbeatAt: deps.now().toISOString() }),
    runDefinition(deps, run),
    runAccount(deps, run),
  ]);
  if (busy.status === 'rejected') throw busy.reason;
  const missing = [definition, account].find((r): r is PromiseRejectedResult => r.status === 'rejected' && cannotStart(r.reason));
  if (missing) {
    const ended = await failUnstartableRun(deps, identity, run.id, errorMessage(missing.reason));
    return { response: { none: 'RunNotStartable' }, ended };
  }
  if (definition.status === 'rejected') throw definition.reason;
  if (account.status === 'rejected') throw account.reason;
  const assignedRun = { runId: run.id, definition: definition.value, inputs: run.inputs, timeoutMinutes: run.timeoutMinutes, account: account.value };
  return { response: { assignedRun, resumed: result.resumed === true } };
}

/** Gone for good (a retried claim would find it gone again), unlike a store or Key Vault that is unavailable for now. */
function cannotStart(err: unknown): boolean {
  return err instanceof FlowVersionMissingError || (err instanceof AppError && (err.status === 404 || err.status === 422));
}
