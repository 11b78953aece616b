import { createHmac } from 'node:crypto';

/** A shared access signature for one entity of a Service Bus namespace, as the service checks it. */
export interface EntitySasToken {
  /** `SharedAccessSignature sr=…&sig=…&se=…&skn=…` */
  token: string;
  expiresOn: Date;
}

export interface EntitySasRequest {
  /** `<name>.servicebus.windows.net` (locally `127.0.0.1:<port>`) */
  fullyQualifiedNamespace: string;
  entityPath: string;
  /** the namespace authorization rule whose key signs the token; the token carries that rule's rights */
  keyName: string;
  key: string;
  expiresOn: Date;
}

/**
 * Signs a token whose resource URI is the one entity: it grants the rule's rights on that entity (and entities
 * under its path) only. The string signed is the URL-encoded resource URI, a newline and the expiry in epoch
 * seconds (Service Bus docs, "Generate a Shared Access Signature token").
 */
export function signEntitySasToken(request: EntitySasRequest): EntitySasToken {
  const resourceUri = encodeURIComponent(`sb://${request.fullyQualifiedNamespace}/${request.entityPath}`.toLowerCase());
  const expiry = Math.floor(request.expiresOn.getTime() / 1000);
  const signature = createHmac('sha256', request.key).update(`${resourceUri}\n${expiry}`, 'utf8').digest('base64');
  return {
    token: `SharedAccessSignature sr=${resourceUri}&sig=${encodeURIComponent(signature)}&se=${expiry}&skn=${encodeURIComponent(request.keyName)}`,
    expiresOn: new Date(expiry * 1000),
  };
}

/** The secret holding the key of the Listen-only rule AGENT_QUEUE_SAS_RULE (infra: agent-queue-key.bicep; locally local/stack/agent-queue-rule.ts). */
export const AGENT_QUEUE_SAS_KEY_SECRET = 'agent-queue-sas-key';
