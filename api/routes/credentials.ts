import { z } from 'zod';
import { KEY_VAULT_SECRET_URI } from '../../domain/credential.js';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import {
  createCredential,
  deleteCredential,
  getCredential,
  getCredentialAccess,
  listCredentials,
  setCredentialAccess,
  updateCredential,
} from '../../app/connections/credentials.js';
import { listOf, nameSchema, problemSchema, resourceFields } from '../common-schemas.js';
import { credentialResource } from '../credential-presenters.js';
import { OWNER_NAME_DESCRIPTION, withOwnerName, withOwnerNames } from '../owner-names.js';
import { accessEntrySchema, accessListBodySchema } from '../share-schemas.js';

/** a Windows local account name, as connections carry it (Azure allows 1..20 characters) */
const usernameSchema = z.string().min(1).max(20);
/** kept in the secret store only; never returned */
const passwordSchema = z.string().min(1).max(123);
const keyVaultSecretUriSchema = z
  .string()
  .max(2048)
  .regex(KEY_VAULT_SECRET_URI, "Must be a Key Vault secret identifier in the app's vault: https://{vault}/secrets/{name}[/{version}].")
  .describe("an existing secret in the app's Key Vault that its identity may read; without a version the latest is used");

/** Exactly one place the password comes from (`required`: one must be given, as at create). */
function onePasswordSource(required: boolean) {
  return (body: { password?: string | undefined; keyVaultSecretUri?: string | undefined }, ctx: z.RefinementCtx): void => {
    if (body.password !== undefined && body.keyVaultSecretUri !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyVaultSecretUri'], message: 'Give either password or keyVaultSecretUri, not both.' });
    }
    if (required && body.password === undefined && body.keyVaultSecretUri === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Required (or give keyVaultSecretUri instead).' });
    }
  };
}

const createCredentialSchema = z
  .strictObject({ name: nameSchema, username: usernameSchema, password: passwordSchema.optional(), keyVaultSecretUri: keyVaultSecretUriSchema.optional() })
  .superRefine(onePasswordSource(true))
  .meta({ id: 'CredentialCreate' });

const updateCredentialSchema = z
  .strictObject({ name: nameSchema.optional(), password: passwordSchema.optional(), keyVaultSecretUri: keyVaultSecretUriSchema.optional() })
  .superRefine(onePasswordSource(false))
  .meta({ id: 'CredentialUpdate' });

const credentialSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    username: z.string(),
    source: z.enum(['secretStore', 'keyVault']).describe('`secretStore`: the password given, kept by the app; `keyVault`: the secret keyVaultSecretUri names'),
    keyVaultSecretUri: z.string().optional(),
    ownerId: z.string(),
    ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
    passwordChangedAt: z.string(),
    usedByConnections: z.number().int(),
  })
  .meta({ id: 'Credential' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Credentials';
const CREDENTIAL = 'environments/{env}/credentials/{id}';

/** Who may do what: docs/data-model.md (credentials) and domain/access-rules.ts (`credentialAccess`). */
export const credentialsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'listCredentials',
    method: 'GET',
    route: 'environments/{env}/credentials',
    summary: 'List the credentials the caller may use (owned, shared with them; SystemAdministrators: all). Never a password.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Visible credentials', schema: listOf(credentialSchema) }, 404: problem('Environment not found or not a member') },
    async handle(req, deps) {
      const views = await listCredentials(deps, req.principal, req.params.env);
      return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, views.map(credentialResource)) } };
    },
  }),
  defineRoute({
    name: 'createCredential',
    method: 'POST',
    route: 'environments/{env}/credentials',
    summary:
      "Create a credential connections may reference instead of carrying a password: {name, username, password} (kept in the secret store only) or {name, username, keyVaultSecretUri} (an existing secret in the app's Key Vault). Anyone who may hold connections (SystemAdministrator, EnvironmentMaker, DesktopFlowsMachineOwner, BasicUser); the caller owns it.",
    tag: TAG,
    auth: 'user',
    body: createCredentialSchema,
    responses: {
      201: { description: 'Created; the caller owns it', schema: credentialSchema },
      400: problem('Invalid body: both or neither of password and keyVaultSecretUri, a malformed secret URI'),
      403: problem('Role may not hold connections (DesktopFlowsMachineImageAdmin alone)'),
      404: problem('Environment not found or not a member'),
      422: problem('SecretNotReadable: the Key Vault secret is in another vault, missing, unreadable, or one the control plane keeps for itself'),
    },
    async handle(req, deps) {
      const view = await createCredential(deps, req.principal, req.params.env, req.body);
      const { credential } = view;
      return {
        status: 201,
        body: await withOwnerName(deps, credential.environmentId, credentialResource(view)),
        etag: credential.etag,
        location: `environments/${credential.environmentId}/credentials/${credential.id}`,
      };
    },
  }),
  defineRoute({
    name: 'getCredential',
    method: 'GET',
    route: CREDENTIAL,
    summary: 'Read a credential (never its password).',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The credential', schema: credentialSchema }, 404: problem('Not found or not visible to the caller') },
    async handle(req, deps) {
      const view = await getCredential(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: await withOwnerName(deps, view.credential.environmentId, credentialResource(view)), etag: view.credential.etag };
    },
  }),
  defineRoute({
    name: 'updateCredential',
    method: 'PATCH',
    route: CREDENTIAL,
    summary:
      "Rename or rotate a credential (owner, CoOwner, SystemAdministrator): `password` or `keyVaultSecretUri`. Every connection that references it keeps working when the new password is its group's account password.",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: updateCredentialSchema,
    responses: {
      200: { description: 'Updated', schema: credentialSchema },
      400: problem('Invalid body'),
      403: problem('May use but not manage the credential'),
      404: problem('Not found or not visible to the caller'),
      412: problem('Stale If-Match'),
      422: problem('SecretNotReadable'),
    },
    async handle(req, deps) {
      const view = await updateCredential(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: await withOwnerName(deps, view.credential.environmentId, credentialResource(view)), etag: view.credential.etag };
    },
  }),
  defineRoute({
    name: 'deleteCredential',
    method: 'DELETE',
    route: CREDENTIAL,
    summary: 'Delete a credential no connection references, with the secret the app kept for it (a Key Vault secret it was only given stays).',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: {
      204: { description: 'Deleted' },
      403: problem('May use but not manage the credential'),
      404: problem('Not found or not visible to the caller'),
      409: problem('ResourceInUse: connections reference the credential'),
      412: problem('Stale If-Match'),
    },
    async handle(req, deps) {
      await deleteCredential(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
      return { status: 204 };
    },
  }),
  defineRoute({
    name: 'getCredentialAccess',
    method: 'GET',
    route: `${CREDENTIAL}/access`,
    summary:
      "The credential's shares (User: may reference it from connections; CoOwner: may also rotate, delete and share it), deactivated members flagged; the ETag is the credential's.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Shares', schema: listOf(accessEntrySchema) },
      403: problem('May use but not manage the credential'),
      404: problem('Not found or not visible'),
    },
    async handle(req, deps) {
      const { credential, items } = await getCredentialAccess(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items }, etag: credential.etag };
    },
  }),
  defineRoute({
    name: 'setCredentialAccess',
    method: 'PUT',
    route: `${CREDENTIAL}/access`,
    summary: "Replace the credential's shares with a bare array of {userId, permission}; If-Match refers to the credential's ETag.",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: accessListBodySchema,
    responses: {
      200: { description: "The new shares; the ETag is the credential's new one", schema: listOf(accessEntrySchema) },
      400: problem('Not an array, more than 200 entries, a user listed twice'),
      403: problem('May use but not manage the credential'),
      404: problem('Not found or not visible'),
      412: problem('Stale If-Match'),
      422: problem('NotAMember: a user is not a member of the environment'),
    },
    async handle(req, deps) {
      const { credential, items } = await setCredentialAccess(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: { items }, etag: credential.etag };
    },
  }),
];
