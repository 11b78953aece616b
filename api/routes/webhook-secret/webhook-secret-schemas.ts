import { z } from 'zod';

export const webhookSecretSchema = z
  .object({
    environmentId: z.string(),
    secret: z.string().describe('The key of the HMAC-SHA256 in the X-Signature header of run callbacks (docs/callbacks.md).'),
  })
  .meta({ id: 'WebhookSecret' });
