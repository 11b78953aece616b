import { z } from 'zod';
import { pathId } from '../http/path-params.js';
import { userIdSchema } from '../common-schemas.js';

/** `environments/{env}/...`: the environment's own routes and its lists. */
export const environmentPath = z.object({ env: pathId('Environment') });

/** `environments/{env}/runs/{id}/...` */
export const runPath = z.object({ env: pathId('Environment'), id: pathId('Run') });

/** `environments/{env}/groups/{id}/...` */
export const groupPath = z.object({ env: pathId('Environment'), id: pathId('Group') });

/** `environments/{env}/images/{id}/...` */
export const imagePath = z.object({ env: pathId('Environment'), id: pathId('Image') });

/** `environments/{env}/members/{userId}`: a user or app id (a token's `oid`, not necessarily a GUID); a bad one is 404 Member */
export const memberPath = z.object({
  env: pathId('Environment'),
  userId: z.string({ error: 'Member' }).refine((id) => userIdSchema.safeParse(id).success, 'Member'),
});
/** `environments/{env}/connections/{id}` */
export const connectionPath = z.object({ env: pathId('Environment'), id: pathId('Connection') });

/** `environments/{env}/credentials/{id}/...` */
export const credentialPath = z.object({ env: pathId('Environment'), id: pathId('Credential') });

/** `environments/{env}/desktop-flows/{id}/...` */
export const desktopFlowPath = z.object({ env: pathId('Environment'), id: pathId('Desktop flow') });

/** `agent/runs/{runId}/...`: the bot's own run */
export const agentRunPath = z.object({ runId: pathId('Run') });

export type EnvironmentPath = z.output<typeof environmentPath>;
export type RunPath = z.output<typeof runPath>;
export type GroupPath = z.output<typeof groupPath>;
export type ImagePath = z.output<typeof imagePath>;
export type MemberPath = z.output<typeof memberPath>;
export type ConnectionPath = z.output<typeof connectionPath>;
export type CredentialPath = z.output<typeof credentialPath>;
export type DesktopFlowPath = z.output<typeof desktopFlowPath>;
export type AgentRunPath = z.output<typeof agentRunPath>;
