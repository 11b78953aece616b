import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { accessEntrySchema, accessListBodySchema } from '../../share-schemas.js';
import { credentialPath, environmentPath } from '../path-schemas.js';
import {
  createCredentialHandler,
  deleteCredentialHandler,
  getCredentialAccessHandler,
  getCredentialHandler,
  listCredentialsHandler,
  setCredentialAccessHandler,
  updateCredentialHandler,
} from './credential-handlers.js';
import type { CredentialRoutePorts } from './credential-handlers.js';
import { createCredentialSchema, credentialSchema, updateCredentialSchema } from './credential-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Credentials';
const CREDENTIAL = 'environments/{env}/credentials/{id}';

/** Who may do what: docs/data-model.md (credentials) and domain/access-rules.ts (`credentialAccess`). */
export const credentialsRoutes: ApiRoute<unknown, RawPathParams, CredentialRoutePorts>[] = [
  defineRoute({
    name: 'listCredentials',
    method: 'GET',
    route: 'environments/{env}/credentials',
    params: environmentPath,
    summary: 'List the credentials the caller may use (owned, shared with them; SystemAdministrators: all). Never a password.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Visible credentials', schema: listOf(credentialSchema) }, 404: problem('Environment not found or not a member') },
    handle: listCredentialsHandler,
  }),
  defineRoute({
    name: 'createCredential',
    method: 'POST',
    route: 'environments/{env}/credentials',
    params: environmentPath,
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
    handle: createCredentialHandler,
  }),
  defineRoute({
    name: 'getCredential',
    method: 'GET',
    route: CREDENTIAL,
    params: credentialPath,
    summary: 'Read a credential (never its password).',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The credential', schema: credentialSchema }, 404: problem('Not found or not visible to the caller') },
    handle: getCredentialHandler,
  }),
  defineRoute({
    name: 'updateCredential',
    method: 'PATCH',
    route: CREDENTIAL,
    params: credentialPath,
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
    handle: updateCredentialHandler,
  }),
  defineRoute({
    name: 'deleteCredential',
    method: 'DELETE',
    route: CREDENTIAL,
    params: credentialPath,
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
    handle: deleteCredentialHandler,
  }),
  defineRoute({
    name: 'getCredentialAccess',
    method: 'GET',
    route: `${CREDENTIAL}/access`,
    params: credentialPath,
    summary:
      "The credential's shares (User: may reference it from connections; CoOwner: may also rotate, delete and share it), deactivated members flagged; the ETag is the credential's.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Shares', schema: listOf(accessEntrySchema) },
      403: problem('May use but not manage the credential'),
      404: problem('Not found or not visible'),
    },
    handle: getCredentialAccessHandler,
  }),
  defineRoute({
    name: 'setCredentialAccess',
    method: 'PUT',
    route: `${CREDENTIAL}/access`,
    params: credentialPath,
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
    handle: setCredentialAccessHandler,
  }),
];
