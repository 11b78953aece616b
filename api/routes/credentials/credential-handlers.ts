import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import {
  createCredential,
  deleteCredential,
  getCredential,
  getCredentialAccess,
  listCredentials,
  setCredentialAccess,
  updateCredential,
  type CredentialPorts,
} from '../../../app/connections/credentials.js';
import type { memberNames } from '../../../app/environments/members.js';
import { credentialResource } from '../../credential-presenters.js';
import { withOwnerName, withOwnerNames } from '../../owner-names.js';
import type { accessListBodySchema } from '../../share-schemas.js';
import type { CredentialPath, EnvironmentPath } from '../path-schemas.js';
import type { createCredentialSchema, updateCredentialSchema } from './credential-schemas.js';

/** What the credential routes need of the composition root: the use cases' ports and the owners' names. */
export type CredentialRoutePorts = CredentialPorts & Parameters<typeof memberNames>[0];

/** `GET environments/{env}/credentials` */
export async function listCredentialsHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: CredentialRoutePorts): Promise<ApiResponse> {
  const views = await listCredentials(deps, req.principal, req.params.env);
  return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, views.map(credentialResource)) } };
}

/** `POST environments/{env}/credentials` */
export async function createCredentialHandler(
  req: ApiRequest<z.output<typeof createCredentialSchema>, EnvironmentPath>,
  deps: CredentialRoutePorts,
): Promise<ApiResponse> {
  const view = await createCredential(deps, req.principal, req.params.env, req.body);
  const { credential } = view;
  return {
    status: 201,
    body: await withOwnerName(deps, credential.environmentId, credentialResource(view)),
    etag: credential.etag,
    location: `environments/${credential.environmentId}/credentials/${credential.id}`,
  };
}

/** `GET environments/{env}/credentials/{id}` */
export async function getCredentialHandler(req: ApiRequest<undefined, CredentialPath>, deps: CredentialRoutePorts): Promise<ApiResponse> {
  const view = await getCredential(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: await withOwnerName(deps, view.credential.environmentId, credentialResource(view)), etag: view.credential.etag };
}

/** `PATCH environments/{env}/credentials/{id}` */
export async function updateCredentialHandler(
  req: ApiRequest<z.output<typeof updateCredentialSchema>, CredentialPath>,
  deps: CredentialRoutePorts,
): Promise<ApiResponse> {
  const view = await updateCredential(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: await withOwnerName(deps, view.credential.environmentId, credentialResource(view)), etag: view.credential.etag };
}

/** `DELETE environments/{env}/credentials/{id}` */
export async function deleteCredentialHandler(req: ApiRequest<undefined, CredentialPath>, deps: CredentialRoutePorts): Promise<ApiResponse> {
  await deleteCredential(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
  return { status: 204 };
}

/** `GET environments/{env}/credentials/{id}/access` */
export async function getCredentialAccessHandler(req: ApiRequest<undefined, CredentialPath>, deps: CredentialRoutePorts): Promise<ApiResponse> {
  const { credential, items } = await getCredentialAccess(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: { items }, etag: credential.etag };
}

/** `PUT environments/{env}/credentials/{id}/access` */
export async function setCredentialAccessHandler(
  req: ApiRequest<z.output<typeof accessListBodySchema>, CredentialPath>,
  deps: CredentialRoutePorts,
): Promise<ApiResponse> {
  const { credential, items } = await setCredentialAccess(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: { items }, etag: credential.etag };
}
