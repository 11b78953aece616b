import type { Principal } from '../domain/principal.js';
import { canCreateImage, imageAccess, type Membership } from '../domain/access-rules.js';
import type { EnvironmentDocument } from '../domain/environment.js';
import type { GroupDocument } from '../domain/group.js';
import { imageNameHolder, imageNameKey, isReplicatedTo, normaliseRegions, sameImageNameKey, type ImageDocument } from '../domain/image.js';
import type { Share } from '../domain/roles.js';
import { groupsOfImage } from '../domain/group-rules.js';
import { AppError } from '../domain/errors/app-error.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from './ports/document-store.js';
import { changeEnvironment, checkIfMatch, loadEnvironmentContext } from './environments/environment-context.js';
import { readAccessList, replaceAccessList, type AccessEntry } from './environments/shares.js';
import { bestEffort } from './errors/best-effort.js';

/** What the image use cases need. */
export interface ImagePorts {
  /** the environment (its ledger of image names), its members, images and groups */
  store: DocumentStore;
  now(): Date;
  newId(): string;
}

/** An image as the API shows it: the document and how many groups build their bots from it. */
export interface ImageView {
  image: Versioned<ImageDocument>;
  usedByGroups: number;
}

export type ImageAccessEntry = AccessEntry;

export interface CreateImageInput {
  name: string;
  description?: string | undefined;
  galleryImageVersionId: string;
  replicatedRegions: string[];
}

export interface UpdateImageInput {
  name?: string | undefined;
  description?: string | undefined;
  galleryImageVersionId?: string | undefined;
  replicatedRegions?: string[] | undefined;
}

interface ImageContext {
  env: Versioned<EnvironmentDocument>;
  member: Membership;
  image: Versioned<ImageDocument>;
}

const stale = () => new AppError('PreconditionFailed', 'The image changed since you read it (If-Match); read it again.');
const nameTaken = (name: string) => new AppError('NameTaken', `An image named "${name}" already exists in this environment.`);
const builtIn = (what: string) => AppError.rule('BuiltInImage', `The built-in image's ${what} cannot be changed: the platform provides it.`);

function notInRegion(region: string): AppError {
  return AppError.rule(
    'ImageNotInRegion',
    `The image is not replicated to ${region}, the region where this environment's bots run: replicate the image version there and list "${region}" in replicatedRegions.`,
  );
}

/**
 * The image if the caller may see it (404 otherwise, exactly as for a missing one, so invisible images
 * reveal nothing), and, when `needed` is `manage`, may also edit, delete and share it (403 otherwise).
 */
async function loadImage(deps: ImagePorts, principal: Principal, environmentId: string, imageId: string, needed: 'use' | 'manage'): Promise<ImageContext> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const image = await deps.store.get<ImageDocument>(env.id, imageId);
  if (!image || image.type !== 'image') throw AppError.notFound('Image');
  const access = imageAccess(member, image);
  if (access === 'none') throw AppError.notFound('Image');
  if (needed === 'manage' && access !== 'manage') {
    throw AppError.forbidden(
      'Editing, deleting or sharing this image needs its ownership, a CoOwner share, or the SystemAdministrator or DesktopFlowsMachineImageAdmin role.',
    );
  }
  return { env, member, image };
}

async function groupsUsing(deps: ImagePorts, environmentId: string, imageId: string): Promise<number> {
  const { items } = await deps.store.list<GroupDocument>(environmentId, 'group', { where: { imageId } });
  return items.length;
}

/** Points the ledger entry of `imageId` at `to` (or removes it), but only while it still holds `from`. */
async function moveLedgerName(deps: ImagePorts, environmentId: string, imageId: string, from: string | undefined, to: string | undefined): Promise<void> {
  await changeEnvironment(deps, environmentId, (current) => {
    const names = { ...current.ledger.imageNames };
    if (names[imageId] !== from) return current;
    if (to === undefined) delete names[imageId];
    else if (imageNameHolder(names, to, imageId) === undefined) names[imageId] = to;
    return { ...current, ledger: { ...current.ledger, imageNames: names } };
  });
}

/** Undoes a reservation after a failed write. Best effort: the write's own failure is what the caller must see. */
async function undoReservation(deps: ImagePorts, environmentId: string, imageId: string, from: string | undefined, to: string | undefined): Promise<void> {
  await bestEffort(moveLedgerName(deps, environmentId, imageId, from, to), `undoing the name reservation of image ${imageId}`);
}

export async function listImages(deps: ImagePorts, principal: Principal, environmentId: string): Promise<ImageView[]> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const [images, groups] = await Promise.all([
    deps.store.list<ImageDocument>(env.id, 'image', { orderBy: 'createdAt' }),
    deps.store.list<GroupDocument>(env.id, 'group'),
  ]);
  const uses = new Map<string, number>();
  for (const g of groups.items) uses.set(g.imageId, (uses.get(g.imageId) ?? 0) + 1);
  return images.items.filter((image) => imageAccess(member, image) !== 'none').map((image) => ({ image, usedByGroups: uses.get(image.id) ?? 0 }));
}

export async function getImage(deps: ImagePorts, principal: Principal, environmentId: string, imageId: string): Promise<ImageView> {
  const { env, image } = await loadImage(deps, principal, environmentId, imageId, 'use');
  return { image, usedByGroups: await groupsUsing(deps, env.id, image.id) };
}

/**
 * Creates a custom image owned by the caller. The name is reserved in the environment's ledger first (a
 * conditional write, so of two racing creates of one name only one passes), then the image is written; if
 * that fails, the reservation is released.
 */
export async function createImage(deps: ImagePorts, principal: Principal, environmentId: string, input: CreateImageInput): Promise<Versioned<ImageDocument>> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canCreateImage(member))
    throw AppError.forbidden('Creating images needs the EnvironmentMaker, DesktopFlowsMachineImageAdmin or SystemAdministrator role.');
  const replicatedRegions = normaliseRegions(input.replicatedRegions);
  if (!isReplicatedTo({ builtIn: false, replicatedRegions }, env.region)) throw notInRegion(env.region);

  const id = deps.newId();
  const key = imageNameKey(input.name);
  await changeEnvironment(deps, env.id, (current) => {
    if (imageNameHolder(current.ledger.imageNames, key) !== undefined) throw nameTaken(input.name);
    return { ...current, ledger: { ...current.ledger, imageNames: { ...current.ledger.imageNames, [id]: key } } };
  });

  const now = deps.now().toISOString();
  const image: ImageDocument = {
    id,
    environmentId: env.id,
    type: 'image',
    name: input.name,
    description: input.description ?? '',
    builtIn: false,
    galleryImageVersionId: input.galleryImageVersionId,
    replicatedRegions,
    ownerId: member.userId,
    shares: [],
    createdAt: now,
    updatedAt: now,
  };
  try {
    return await deps.store.create(image);
  } catch (err) {
    await undoReservation(deps, env.id, id, key, undefined);
    throw err;
  }
}

/**
 * Edits an image. A rename moves the image's ledger entry to the new name first (refused if another image
 * holds it, or if the entry no longer holds the name read, i.e. a concurrent rename), then writes the image
 * under If-Match; a lost race moves the entry back.
 */
export async function updateImage(
  deps: ImagePorts,
  principal: Principal,
  environmentId: string,
  imageId: string,
  input: UpdateImageInput,
  ifMatch: string | undefined,
): Promise<ImageView> {
  const { env, image } = await loadImage(deps, principal, environmentId, imageId, 'manage');
  checkIfMatch(ifMatch, image.etag);
  if (image.builtIn) {
    if (input.name !== undefined && input.name !== image.name) throw builtIn('name');
    if (input.galleryImageVersionId !== undefined) throw builtIn('gallery image version');
    if (input.replicatedRegions !== undefined) throw builtIn('replication (it is available in every region)');
  }
  const replicatedRegions = input.replicatedRegions === undefined ? image.replicatedRegions : normaliseRegions(input.replicatedRegions);
  if (!isReplicatedTo({ builtIn: image.builtIn, replicatedRegions }, env.region)) throw notInRegion(env.region);

  const next: Versioned<ImageDocument> = {
    ...image,
    name: input.name ?? image.name,
    description: input.description ?? image.description,
    replicatedRegions,
    updatedAt: deps.now().toISOString(),
  };
  if (input.galleryImageVersionId !== undefined) next.galleryImageVersionId = input.galleryImageVersionId;

  const oldKey = imageNameKey(image.name);
  const newKey = imageNameKey(next.name);
  const renamed = oldKey !== newKey;
  if (renamed) {
    await changeEnvironment(deps, env.id, (current) => {
      const held = current.ledger.imageNames[image.id];
      if (held !== undefined && !sameImageNameKey(held, oldKey)) throw stale();
      if (imageNameHolder(current.ledger.imageNames, newKey, image.id) !== undefined) throw nameTaken(next.name);
      return { ...current, ledger: { ...current.ledger, imageNames: { ...current.ledger.imageNames, [image.id]: newKey } } };
    });
  }
  try {
    const saved = await deps.store.replace(next, image.etag);
    return { image: saved, usedByGroups: await groupsUsing(deps, env.id, saved.id) };
  } catch (err) {
    if (renamed) await undoReservation(deps, env.id, image.id, newKey, oldKey);
    if (err instanceof StalePreconditionError) throw stale();
    throw err;
  }
}

/** Deletes a custom image no group uses, then releases its name. */
export async function deleteImage(deps: ImagePorts, principal: Principal, environmentId: string, imageId: string, ifMatch: string | undefined): Promise<void> {
  const { env, image } = await loadImage(deps, principal, environmentId, imageId, 'manage');
  checkIfMatch(ifMatch, image.etag);
  if (image.builtIn) throw AppError.rule('BuiltInImage', 'The built-in image cannot be deleted: the platform provides it to every environment.');
  const inUse = (users: number) =>
    new AppError(
      'ResourceInUse',
      `The image is used by ${users} group${users === 1 ? '' : 's'}; give ${users === 1 ? 'it' : 'them'} another image before deleting this one.`,
    );
  const users = await groupsUsing(deps, env.id, image.id);
  if (users > 0) throw inUse(users);
  // The image leaves the ledger first, in a conditional write that also checks no group's entry names it: a group
  // create or image change racing this delete either lands first (and this answers 409) or finds the image gone.
  const key = imageNameKey(image.name);
  await changeEnvironment(deps, env.id, (current) => {
    const holders = groupsOfImage(current, image.id);
    if (holders.length > 0) throw inUse(holders.length);
    const names = { ...current.ledger.imageNames };
    if (sameImageNameKey(names[image.id], key)) delete names[image.id];
    return { ...current, ledger: { ...current.ledger, imageNames: names } };
  });
  try {
    await deps.store.delete(env.id, image.id, image.etag);
  } catch (err) {
    await undoReservation(deps, env.id, image.id, undefined, key);
    if (err instanceof StalePreconditionError) throw stale();
    throw err;
  }
}

export async function getImageAccess(
  deps: ImagePorts,
  principal: Principal,
  environmentId: string,
  imageId: string,
): Promise<{ image: Versioned<ImageDocument>; items: ImageAccessEntry[] }> {
  const { image } = await loadImage(deps, principal, environmentId, imageId, 'manage');
  return { image, items: await readAccessList(deps, image) };
}

/** Replaces the image's whole access list; every user must be a member of the environment (deactivated ones included). */
export async function setImageAccess(
  deps: ImagePorts,
  principal: Principal,
  environmentId: string,
  imageId: string,
  shares: readonly Share[],
  ifMatch: string | undefined,
): Promise<{ image: Versioned<ImageDocument>; items: ImageAccessEntry[] }> {
  const { image } = await loadImage(deps, principal, environmentId, imageId, 'manage');
  const { resource, items } = await replaceAccessList(deps, image, shares, ifMatch, stale);
  return { image: resource, items };
}
