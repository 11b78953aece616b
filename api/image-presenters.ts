import type { ImageDocument } from '../domain/image.js';
import type { ImageView } from '../app/images.js';
import type { Versioned } from '../app/ports/document-store.js';

/** The image resource: the document minus its partition key, type and shares (those are served by `/access`). */
export function imageResource(image: Versioned<ImageDocument>, usedByGroups?: number) {
  return {
    id: image.id,
    etag: image.etag,
    name: image.name,
    description: image.description,
    builtIn: image.builtIn,
    ...(image.galleryImageVersionId === undefined ? {} : { galleryImageVersionId: image.galleryImageVersionId }),
    replicatedRegions: image.replicatedRegions,
    ownerId: image.ownerId,
    createdAt: image.createdAt,
    updatedAt: image.updatedAt,
    ...(usedByGroups === undefined ? {} : { usedByGroups }),
  };
}

export function imageViewResource(view: ImageView) {
  return imageResource(view.image, view.usedByGroups);
}
