import { nameKey } from './names.js';
import type { StoredDocument } from './stored-document.js';
import type { Share } from './roles.js';

export const DEFAULT_IMAGE_NAME = 'Default Windows Desktop Image';

/**
 * A VM image bots are built from: the built-in default, or a custom image that references an Azure Compute
 * Gallery image version replicated to the environment's region.
 */
export interface ImageDocument extends StoredDocument {
  type: 'image';
  name: string;
  description: string;
  builtIn: boolean;
  /** absent on the built-in image, which Azure provides */
  galleryImageVersionId?: string;
  replicatedRegions: string[];
  ownerId: string;
  shares: Share[];
}

export const SYSTEM_OWNER = 'system';

export function defaultImageDocument(environmentId: string, id: string, now: string): ImageDocument {
  return {
    id,
    environmentId,
    type: 'image',
    name: DEFAULT_IMAGE_NAME,
    description: 'Windows 11 Enterprise with Power Automate for desktop, provided by the platform.',
    builtIn: true,
    replicatedRegions: [],
    ownerId: SYSTEM_OWNER,
    shares: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{g}/images/{i}/versions/{v}` */
export const GALLERY_IMAGE_VERSION_ID =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[\w\-.()]{1,90}\/providers\/Microsoft\.Compute\/galleries\/[\w.]{1,80}\/images\/[\w\-.]{1,80}\/versions\/\d+\.\d+\.\d+$/;

/**
 * The key an image name is unique under in its environment (the ledger's `imageNames` values): `nameKey`, so names
 * differ only if they differ after NFKC, case folding, trimming and reduction to their confusable skeleton.
 */
export function imageNameKey(name: string): string {
  return nameKey(name);
}

/**
 * Whether a key the ledger holds is `key`. Keys written before names were compared by skeleton (NFC, lower case)
 * are re-keyed on the way: `nameKey` of a key is that key, and of an old key the new key of its name.
 */
export function sameImageNameKey(held: string | undefined, key: string): boolean {
  return held !== undefined && (held === key || nameKey(held) === key);
}

/** The image that already holds `key` in the ledger, other than `exceptImageId`; undefined when the name is free. */
export function imageNameHolder(imageNames: Readonly<Record<string, string>>, key: string, exceptImageId?: string): string | undefined {
  return Object.entries(imageNames).find(([id, held]) => id !== exceptImageId && sameImageNameKey(held, key))?.[0];
}

/** Azure region names as stored: lower-case, each once, in the order given. */
export function normaliseRegions(regions: readonly string[]): string[] {
  return [...new Set(regions.map((r) => r.trim().toLowerCase()))];
}

/** Bots of an environment are built in its region, so a custom image must be replicated there. */
export function isReplicatedTo(image: Pick<ImageDocument, 'builtIn' | 'replicatedRegions'>, region: string): boolean {
  return image.builtIn || normaliseRegions(image.replicatedRegions).includes(region.toLowerCase());
}
