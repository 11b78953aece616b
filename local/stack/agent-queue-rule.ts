import { randomBytes } from 'node:crypto';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AuthorizationRule } from '../servicebus/sas.js';
import { LOCAL_RULE } from '../servicebus/peer.js';
import { AGENT_QUEUE_SAS_KEY_SECRET } from '../../app/bots/queue-sas-token.js';

/** As in Azure (infra: agent-queue-key.bicep): the Listen-only rule whose key signs the agents' per-queue tokens. */
export const AGENT_QUEUE_RULE_NAME = 'bot-listen';

/** The namespace's rules for the local peer: the connection string's `local` rule and a fresh Listen-only one. */
export function localAuthorizationRules(): { rules: AuthorizationRule[]; listenRule: AuthorizationRule } {
  const listenRule: AuthorizationRule = { keyName: AGENT_QUEUE_RULE_NAME, key: randomBytes(32).toString('base64'), rights: ['Listen'] };
  return { rules: [LOCAL_RULE, listenRule], listenRule };
}

/** Puts the Listen rule's key where the app reads it: the secret store (the local Key Vault peer). */
export async function storeAgentQueueKey(vaultUrl: string, caCert: string, listenRule: AuthorizationRule): Promise<void> {
  const client = new SecretClient(
    vaultUrl,
    { getToken: async () => ({ token: 'local-cloud', expiresOnTimestamp: Date.now() + 3_600_000 }) },
    {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca: caCert },
    },
  );
  await client.setSecret(AGENT_QUEUE_SAS_KEY_SECRET, listenRule.key);
}
