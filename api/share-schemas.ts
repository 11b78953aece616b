import { z } from 'zod';
import { userIdSchema } from './common-schemas.js';

export const MAX_SHARES = 200;

const permissionSchema = z.enum(['User', 'CoOwner']);

/** PUT .../access on images and groups: a bare array that replaces the whole list; each user once. */
export const accessListBodySchema = z
  .array(z.strictObject({ userId: userIdSchema, permission: permissionSchema }))
  .max(MAX_SHARES)
  .superRefine((shares, ctx) => {
    const seen = new Set<string>();
    shares.forEach((share, index) => {
      if (seen.has(share.userId)) ctx.addIssue({ code: 'custom', path: [index, 'userId'], message: `${share.userId} is listed more than once.` });
      seen.add(share.userId);
    });
  })
  .meta({ id: 'AccessListUpdate' });

export const accessEntrySchema = z
  .object({
    userId: z.string(),
    name: z.string().optional().describe("The member's display name (from its token, recorded when it was added or last called GET /me)."),
    permission: permissionSchema,
    deactivated: z.boolean(),
  })
  .meta({ id: 'AccessEntry' });
