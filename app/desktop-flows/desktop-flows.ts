import type { Principal } from '../../domain/principal.js';
import { canCreateDesktopFlow, canManageEnvironment, type Membership } from '../../domain/access-rules.js';
import { definitionHashOf, type DesktopFlowDocument, type FlowStep } from '../../domain/desktop-flow.js';
import { AppError } from '../../domain/errors/app-error.js';
import { StalePreconditionError, type DocumentStore, type Page, type Versioned } from '../ports/document-store.js';
import { recordFlowVersion } from './desktop-flow-versions.js';
import { checkIfMatch, loadEnvironmentContext } from '../environments/environment-context.js';
import { readPage } from '../paging/paged-list.js';

/** What the desktop flow use cases need. */
export interface DesktopFlowPorts {
  store: DocumentStore;
  now(): Date;
  newId(): string;
}

/** The stored desktop flow; `description` is optional so that documents written without one still read. */
export type DesktopFlowRecord = DesktopFlowDocument & { description?: string };

export interface DesktopFlowInput {
  name: string;
  description?: string | undefined;
  definition: { steps: FlowStep[] };
}

const TYPE = 'desktopFlow' satisfies DesktopFlowDocument['type'];

/** The owner and SystemAdministrators may change or delete a flow; every member may read it and run it. */
function canManageFlow(member: Membership, flow: DesktopFlowRecord): boolean {
  return member.active && (flow.ownerId === member.userId || canManageEnvironment(member));
}

/** A flow of the environment by its id (parsed at the edge: a GUID, lowercased); 404 when there is none (the caller's membership is checked by the caller). */
export async function requireDesktopFlow(deps: Pick<DesktopFlowPorts, 'store'>, environmentId: string, flowId: string): Promise<Versioned<DesktopFlowRecord>> {
  const flow = await deps.store.get<DesktopFlowRecord>(environmentId, flowId);
  if (!flow || flow.type !== TYPE) throw AppError.notFound('Desktop flow');
  return flow;
}

function staleFlow(err: unknown): unknown {
  return err instanceof StalePreconditionError ? new AppError('PreconditionFailed', 'The desktop flow changed since you read it (If-Match).') : err;
}

export async function createDesktopFlow(
  deps: DesktopFlowPorts,
  principal: Principal,
  environmentId: string,
  input: DesktopFlowInput,
): Promise<Versioned<DesktopFlowRecord>> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canCreateDesktopFlow(member)) {
    throw AppError.forbidden('Creating desktop flows needs the SystemAdministrator, EnvironmentMaker or DesktopFlowsMachineOwner role.');
  }
  const id = deps.newId();
  // the version first: the flow never names a version that is not written
  const definitionHash = await recordFlowVersion(deps, env.id, id, 1, input.definition);
  const now = deps.now().toISOString();
  return deps.store.create<DesktopFlowRecord>({
    id,
    environmentId: env.id,
    type: TYPE,
    name: input.name,
    description: input.description ?? '',
    definition: input.definition,
    version: 1,
    definitionHash,
    ownerId: principal.userId,
    createdAt: now,
    updatedAt: now,
  });
}

export async function listDesktopFlows(
  deps: DesktopFlowPorts,
  principal: Principal,
  environmentId: string,
  page: { pageSize: number; continuationToken?: string | undefined },
): Promise<Page<Versioned<DesktopFlowRecord>>> {
  const { env } = await loadEnvironmentContext(deps, environmentId, principal);
  return readPage(page.continuationToken, () =>
    deps.store.list<DesktopFlowRecord>(env.id, TYPE, {
      orderBy: 'createdAt',
      pageSize: page.pageSize,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    }),
  );
}

export async function getDesktopFlow(
  deps: DesktopFlowPorts,
  principal: Principal,
  environmentId: string,
  flowId: string,
): Promise<Versioned<DesktopFlowRecord>> {
  const { env } = await loadEnvironmentContext(deps, environmentId, principal);
  return requireDesktopFlow(deps, env.id, flowId);
}

/**
 * Replaces name, description and definition. A new definition is a new version (its document written before the flow
 * names it); runs already submitted keep referencing the version they were submitted with.
 */
export async function replaceDesktopFlow(
  deps: DesktopFlowPorts,
  principal: Principal,
  environmentId: string,
  flowId: string,
  input: DesktopFlowInput,
  ifMatch: string | undefined,
): Promise<Versioned<DesktopFlowRecord>> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const flow = await requireDesktopFlow(deps, env.id, flowId);
  if (!canManageFlow(member, flow)) throw AppError.forbidden('Only the owner of the desktop flow or a SystemAdministrator may change it.');
  checkIfMatch(ifMatch, flow.etag);
  const current = flow.version ?? 1;
  const changed = definitionHashOf(input.definition) !== flow.definitionHash;
  const version = changed ? current + 1 : current;
  const definitionHash = changed ? await recordFlowVersion(deps, env.id, flow.id, version, input.definition) : flow.definitionHash;
  const next: DesktopFlowRecord = {
    ...flow,
    name: input.name,
    description: input.description ?? '',
    definition: input.definition,
    version,
    ...(definitionHash ? { definitionHash } : {}),
    updatedAt: deps.now().toISOString(),
  };
  try {
    return await deps.store.replace(next, flow.etag);
  } catch (err) {
    throw staleFlow(err);
  }
}

/**
 * Deletes a flow. Its version documents stay (runs reference them, and queued ones still need them), so deleting a
 * flow never breaks a run that is already queued or running; only new submissions with its id are refused.
 */
export async function deleteDesktopFlow(
  deps: DesktopFlowPorts,
  principal: Principal,
  environmentId: string,
  flowId: string,
  ifMatch: string | undefined,
): Promise<void> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const flow = await requireDesktopFlow(deps, env.id, flowId);
  if (!canManageFlow(member, flow)) throw AppError.forbidden('Only the owner of the desktop flow or a SystemAdministrator may delete it.');
  checkIfMatch(ifMatch, flow.etag);
  try {
    await deps.store.delete(env.id, flow.id, flow.etag);
  } catch (err) {
    throw staleFlow(err);
  }
}
