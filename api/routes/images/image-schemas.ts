import { z } from 'zod';
import { GALLERY_IMAGE_VERSION_ID } from '../../../domain/image.js';
import { descriptionSchema, nameSchema, resourceFields } from '../../common-schemas.js';
import { OWNER_NAME_DESCRIPTION } from '../../owner-names.js';

const regionSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,49}$/, 'Must be an Azure region name such as "eastus".');

const galleryImageVersionIdSchema = z
  .string()
  .max(1024)
  .regex(
    GALLERY_IMAGE_VERSION_ID,
    'Must be an Azure Compute Gallery image version resource id: /subscriptions/{subscriptionId}/resourceGroups/{group}/providers/Microsoft.Compute/galleries/{gallery}/images/{image}/versions/{major.minor.patch}.',
  );

const replicatedRegionsSchema = z.array(regionSchema).min(1).max(64);

export const imageSchema = z
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

export const createImageSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.optional(),
    galleryImageVersionId: galleryImageVersionIdSchema,
    replicatedRegions: replicatedRegionsSchema,
  })
  .meta({ id: 'ImageCreate' });

export const updateImageSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    galleryImageVersionId: galleryImageVersionIdSchema.optional(),
    replicatedRegions: replicatedRegionsSchema.optional(),
  })
  .meta({ id: 'ImageUpdate' });
