import { z } from 'zod';
import { GALLERY_IMAGE_VERSION_ID } from '../../domain/image.js';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import { createImage, deleteImage, getImage, getImageAccess, listImages, setImageAccess, updateImage } from '../../app/images.js';
import { accessEntrySchema, accessListBodySchema } from '../share-schemas.js';
import { descriptionSchema, listOf, nameSchema, problemSchema, resourceFields } from '../common-schemas.js';
import { imageResource, imageViewResource } from '../image-presenters.js';
import { OWNER_NAME_DESCRIPTION, withOwnerName, withOwnerNames } from '../owner-names.js';

const regionSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,49}$/, 'Must be an Azure region name such as "eastus".');

const galleryImageVersionIdSchema = z
  .string()
  .max(1024)
  .regex(
    GALLERY_IMAGE_VERSION_ID,
    'Must be an Azure Compute Gallery image version resource id: /subscriptions/{subscriptionId}/resourceGroups/{group}/providers/Microsoft.Compute/galleries/{gallery}/images/{image}/versions/{major.minor.patch}.',
  );

const replicatedRegionsSchema = z.array(regionSchema).min(1).max(64);

const imageSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    description: z.string(),
    builtIn: z.boolean(),
    galleryImageVersionId: z.string().optional(),
    replicatedRegions: z.array(z.string()),
    ownerId: z.string(),
    ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
    usedByGroups: z.number().int().optional(),
  })
  .meta({ id: 'Image' });

const createImageSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.optional(),
    galleryImageVersionId: galleryImageVersionIdSchema,
    replicatedRegions: replicatedRegionsSchema,
  })
  .meta({ id: 'ImageCreate' });

const updateImageSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    galleryImageVersionId: galleryImageVersionIdSchema.optional(),
    replicatedRegions: replicatedRegionsSchema.optional(),
  })
  .meta({ id: 'ImageUpdate' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Images';
const IMAGE = 'environments/{env}/images/{id}';

export const imagesRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'listImages',
    method: 'GET',
    route: 'environments/{env}/images',
    summary: 'List the images the caller may see or use.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Visible images', schema: listOf(imageSchema) }, 404: problem('Environment not found or not a member') },
    async handle(req, deps) {
      const views = await listImages(deps, req.principal, req.params.env);
      return { status: 200, body: { items: await withOwnerNames(deps, req.params.env, views.map(imageViewResource)) } };
    },
  }),
  defineRoute({
    name: 'createImage',
    method: 'POST',
    route: 'environments/{env}/images',
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
    async handle(req, deps) {
      const image = await createImage(deps, req.principal, req.params.env, req.body);
      return {
        status: 201,
        body: await withOwnerName(deps, image.environmentId, imageResource(image, 0)),
        etag: image.etag,
        location: `environments/${image.environmentId}/images/${image.id}`,
      };
    },
  }),
  defineRoute({
    name: 'getImage',
    method: 'GET',
    route: IMAGE,
    summary: 'Read an image.',
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'The image', schema: imageSchema }, 404: problem('Not found or not visible to the caller') },
    async handle(req, deps) {
      const view = await getImage(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: await withOwnerName(deps, view.image.environmentId, imageViewResource(view)), etag: view.image.etag };
    },
  }),
  defineRoute({
    name: 'updateImage',
    method: 'PATCH',
    route: IMAGE,
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
    async handle(req, deps) {
      const view = await updateImage(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: await withOwnerName(deps, view.image.environmentId, imageViewResource(view)), etag: view.image.etag };
    },
  }),
  defineRoute({
    name: 'deleteImage',
    method: 'DELETE',
    route: IMAGE,
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
    async handle(req, deps) {
      await deleteImage(deps, req.principal, req.params.env, req.params.id, req.ifMatch);
      return { status: 204 };
    },
  }),
  defineRoute({
    name: 'getImageAccess',
    method: 'GET',
    route: `${IMAGE}/access`,
    summary: "The image's shares, deactivated members flagged; the ETag is the image's.",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Shares', schema: listOf(accessEntrySchema) },
      403: problem('May use but not manage the image'),
      404: problem('Not found or not visible'),
    },
    async handle(req, deps) {
      const { image, items } = await getImageAccess(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: { items }, etag: image.etag };
    },
  }),
  defineRoute({
    name: 'setImageAccess',
    method: 'PUT',
    route: `${IMAGE}/access`,
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
    async handle(req, deps) {
      const { image, items } = await setImageAccess(deps, req.principal, req.params.env, req.params.id, req.body, req.ifMatch);
      return { status: 200, body: { items }, etag: image.etag };
    },
  }),
];
