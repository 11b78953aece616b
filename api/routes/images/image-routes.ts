import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { accessEntrySchema, accessListBodySchema } from '../../share-schemas.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { environmentPath, imagePath } from '../path-schemas.js';
import {
  createImageHandler,
  deleteImageHandler,
  getImageAccessHandler,
  getImageHandler,
  listImagesHandler,
  setImageAccessHandler,
  updateImageHandler,
} from './image-handlers.js';
import type { ImageRoutePorts } from './image-handlers.js';
import { createImageSchema, imageSchema, updateImageSchema } from './image-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Images';
const IMAGE = 'environments/{env}/images/{id}';

/** The image routes, in the order the host matches them. */
export const imagesRoutes: ApiRoute<unknown, RawPathParams, ImageRoutePorts>[] = [
  defineRoute({
    name: 'listImages',
    method: 'GET',
    route: 'environments/{env}/images',
    params: environmentPath,
    summary: 'List the images the caller may see or use.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Visible images', schema: listOf(imageSchema) }, 404: problem('Environment not found or not a member') },
    handle: listImagesHandler,
  }),
  defineRoute({
    name: 'createImage',
    method: 'POST',
    route: 'environments/{env}/images',
    params: environmentPath,
    summary: 'Create a custom image from an Azure Compute Gallery image version replicated to the environment region.',
    tag: TAG,
    auth: 'user',
    body: createImageSchema,
    responses: {
      201: { description: 'Created; the caller owns it', schema: imageSchema },
      400: problem('Invalid body or gallery image version id'),
      403: problem('Needs EnvironmentMaker, DesktopFlowsMachineImageAdmin or SystemAdministrator'),
      404: problem('Environment not found or not a member'),
      409: problem('NameTaken: an image of that name exists'),
      422: problem('ImageNotInRegion: not replicated to the environment region'),
    },
    handle: createImageHandler,
  }),
  defineRoute({
    name: 'getImage',
    method: 'GET',
    route: IMAGE,
    params: imagePath,
    summary: 'Read an image.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The image', schema: imageSchema }, 404: problem('Not found or not visible to the caller') },
    handle: getImageHandler,
  }),
  defineRoute({
    name: 'updateImage',
    method: 'PATCH',
    route: IMAGE,
    params: imagePath,
    summary: 'Edit name, description, replicated regions or (custom images) the gallery image version.',
    tag: TAG,
    wakesController: true,
    auth: 'user',
    conditional: true,
    body: updateImageSchema,
    responses: {
      200: { description: 'Updated', schema: imageSchema },
      400: problem('Invalid body'),
      403: problem('May use but not manage the image'),
      404: problem('Not found or not visible to the caller'),
      409: problem('NameTaken'),
      412: problem('Stale If-Match'),
      422: problem('BuiltInImage, ImageNotInRegion'),
    },
    handle: updateImageHandler,
  }),
  defineRoute({
    name: 'deleteImage',
    method: 'DELETE',
    route: IMAGE,
    params: imagePath,
    summary: 'Delete a custom image that no group uses.',
    tag: TAG,
    auth: 'user',
    conditional: true,
    responses: {
      204: { description: 'Deleted' },
      403: problem('May use but not manage the image'),
      404: problem('Not found or not visible to the caller'),
      409: problem('ResourceInUse: a group uses the image'),
      412: problem('Stale If-Match'),
      422: problem('BuiltInImage'),
    },
    handle: deleteImageHandler,
  }),
  defineRoute({
    name: 'getImageAccess',
    method: 'GET',
    route: `${IMAGE}/access`,
    params: imagePath,
    summary: "The image's shares, deactivated members flagged; the ETag is the image's.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Shares', schema: listOf(accessEntrySchema) },
      403: problem('May use but not manage the image'),
      404: problem('Not found or not visible'),
    },
    handle: getImageAccessHandler,
  }),
  defineRoute({
    name: 'setImageAccess',
    method: 'PUT',
    route: `${IMAGE}/access`,
    params: imagePath,
    summary: "Replace the image's shares with a bare array of {userId, permission}; If-Match refers to the image's ETag.",
    tag: TAG,
    auth: 'user',
    conditional: true,
    body: accessListBodySchema,
    responses: {
      200: { description: "The new shares; the ETag is the image's new one", schema: listOf(accessEntrySchema) },
      400: problem('Not an array, more than 200 entries, a user listed twice'),
      403: problem('May use but not manage the image'),
      404: problem('Not found or not visible'),
      412: problem('Stale If-Match'),
      422: problem('NotAMember: a user is not a member of the environment'),
    },
    handle: setImageAccessHandler,
  }),
];
