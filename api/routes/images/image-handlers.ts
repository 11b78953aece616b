import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { createImage, deleteImage, getImage, getImageAccess, listImages, setImageAccess, updateImage, type ImagePorts } from '../../../app/images.js';
import { imageResource, imageViewResource } from '../../image-presenters.js';
import { withOwnerName, withOwnerNames } from '../../owner-names.js';
import type { accessListBodySchema } from '../../share-schemas.js';
import type { EnvironmentPath, ImagePath } from '../path-schemas.js';
import type { createImageSchema, updateImageSchema } from './image-schemas.js';

/** What the image routes need of the composition root: the ports of the use cases they call (owner names included). */
export type ImageRoutePorts = ImagePorts;

/** `GET environments/{env}/images` */
export async function listImagesHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: ImagePorts): Promise<ApiResponse> {
  const views = await listImages(deps, req.principal, req.params.env);
  return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, views.map(imageViewResource)) } };
}

/** `POST environments/{env}/images` */
export async function createImageHandler(req: ApiRequest<z.output<typeof createImageSchema>, EnvironmentPath>, deps: ImagePorts): Promise<ApiResponse> {
  const image = await createImage(deps, req.principal, req.params.env, req.body);
  return {
    status: 201,
    body: await withOwnerName(deps, image.environmentId, imageResource(image, 0)),
    etag: image.etag,
    location: `environments/${image.environmentId}/images/${image.id}`,
  };
}

/** `GET environments/{env}/images/{id}` */
export async function getImageHandler(req: ApiRequest<undefined, ImagePath>, deps: ImagePorts): Promise<ApiResponse> {
  const view = await getImage(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: await withOwnerName(deps, view.image.environmentId, imageViewResource(view)), etag: view.image.etag };
}

/** `PATCH environments/{env}/images/{id}` */
export async function updateImageHandler(req: ApiRequest<z.output<typeof updateImageSchema>, ImagePath>, deps: ImagePorts): Promise<ApiResponse> {
  const view = await updateImage(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: await withOwnerName(deps, view.image.environmentId, imageViewResource(view)), etag: view.image.etag };
}

/** `DELETE environments/{env}/images/{id}` */
export async function deleteImageHandler(req: ApiRequest<undefined, ImagePath>, deps: ImagePorts): Promise<ApiResponse> {
  await deleteImage(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
  return { status: 204 };
}

/** `GET environments/{env}/images/{id}/access` */
export async function getImageAccessHandler(req: ApiRequest<undefined, ImagePath>, deps: ImagePorts): Promise<ApiResponse> {
  const { image, items } = await getImageAccess(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: { items }, etag: image.etag };
}

/** `PUT environments/{env}/images/{id}/access` */
export async function setImageAccessHandler(req: ApiRequest<z.output<typeof accessListBodySchema>, ImagePath>, deps: ImagePorts): Promise<ApiResponse> {
  const { image, items } = await setImageAccess(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
  return { status: 200, body: { items }, etag: image.etag };
}
