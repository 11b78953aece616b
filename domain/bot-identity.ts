/** What a bot credential proves: which bot of which group, and which provisioning of it. */
export interface BotIdentity {
  environmentId: string;
  groupId: string;
  botId: string;
  credentialVersion: number;
}
