import { z } from 'zod';
import { MAX_BOTS_LIMIT, MAX_CAPACITY_WINDOWS, TARGET_WAIT_MINUTES } from '../../../domain/group.js';
import { accountPasswordProblems, accountUsernameProblems } from '../../../domain/group-rules.js';
import { descriptionSchema, GUID, nameSchema, resourceFields } from '../../common-schemas.js';
import { OWNER_NAME_DESCRIPTION } from '../../owner-names.js';

/** Adds one issue per broken rule; the messages never quote the value (it may be a password). */
function rulesOf(problems: (value: string) => string[]) {
  return (value: string, ctx: z.RefinementCtx) => {
    for (const message of problems(value)) ctx.addIssue({ code: 'custom', message });
  };
}

const accountSchema = z
  .strictObject({
    /** Windows local account name, as Azure requires for a VM's admin */
    username: z.string().superRefine(rulesOf(accountUsernameProblems)),
    /** kept in the secret store only; never returned */
    password: z.string().superRefine(rulesOf(accountPasswordProblems)),
  })
  .meta({ id: 'GroupAccountCreate' });

const maxBotsSchema = z.number().int().min(1).max(MAX_BOTS_LIMIT);
const committedBotsSchema = z.number().int().min(0).max(MAX_BOTS_LIMIT);
const imageIdSchema = z.string().regex(GUID, 'Must be the id (GUID) of an image of the environment.');
const targetWaitMinutesSchema = z
  .number()
  .int()
  .min(TARGET_WAIT_MINUTES.min)
  .max(TARGET_WAIT_MINUTES.max)
  .describe('Service level: the p95 queue wait the group asks for, in minutes (1..1440). The planner keeps the fewest warm bots that meet it.');
const minUtilizationSchema = z
  .number()
  .min(0)
  .max(1)
  .describe(
    "Service level: the least share (0..1) of the group's bots that should be busy; caps the warm bots (a conflict with targetWaitMinutes is recorded).",
  );
const capacityWindowSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).describe('start, ISO 8601 (inclusive)'),
    to: z.iso.datetime({ offset: true }).describe('end, ISO 8601 (exclusive), after `from`'),
    committedBots: committedBotsSchema.describe(
      'committed bots during the window (capped at maxBots); the highest window covering now, or committedBots if higher, counts',
    ),
  })
  .refine((w) => Date.parse(w.to) > Date.parse(w.from), { message: 'to must be after from.', path: ['to'] })
  .meta({ id: 'CapacityWindow' });
const capacityScheduleSchema = z
  .array(capacityWindowSchema)
  .max(MAX_CAPACITY_WINDOWS)
  .describe(`Committed bots for periods (e.g. a quarter-end surge), at most ${MAX_CAPACITY_WINDOWS} windows; PATCH replaces the whole list.`);

export const createGroupSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.optional(),
    maxBots: maxBotsSchema,
    committedBots: committedBotsSchema,
    imageId: imageIdSchema,
    account: accountSchema,
    targetWaitMinutes: targetWaitMinutesSchema.optional(),
    minUtilization: minUtilizationSchema.optional(),
    capacitySchedule: capacityScheduleSchema.optional(),
  })
  // committedBots above maxBots is a rule between two fields, and at an edit one of them may be the stored value:
  // the services answer it (422 CommittedExceedsMax) in every shape of request, not the schema (issue #17)
  .meta({ id: 'GroupCreate' });

/** PATCH: a new password for the local account (its username stays), and optionally the credential to rotate with it */
const accountRotationSchema = z
  .strictObject({
    /** kept in the secret store only; never returned */
    password: z.string().superRefine(rulesOf(accountPasswordProblems)),
    credentialId: z.string().regex(GUID, 'Must be the id (GUID) of a credential of the environment.').optional(),
  })
  .meta({ id: 'GroupAccountRotation' });

export const updateGroupSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    maxBots: maxBotsSchema.optional(),
    committedBots: committedBotsSchema.optional(),
    imageId: imageIdSchema.optional(),
    maintenance: z.boolean().optional(),
    account: accountRotationSchema.optional(),
    targetWaitMinutes: targetWaitMinutesSchema.nullable().optional().describe('null clears the wait target'),
    minUtilization: minUtilizationSchema.nullable().optional().describe('null clears the minimum utilization'),
    capacitySchedule: capacityScheduleSchema.optional(),
  })
  .meta({ id: 'GroupUpdate' });

export const groupSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    description: z.string(),
    status: z.enum(['active', 'deleted']),
    maintenance: z.boolean(),
    maxBots: z.number().int(),
    committedBots: z.number().int(),
    imageId: z.string(),
    runningCount: z.number().int(),
    queuedCount: z.number().int(),
    activeBots: z.number().int(),
    accessType: z.enum(['Owner', 'CoOwner', 'User', 'Administrator']).optional(),
    owner: z.string(),
    ownerId: z.string(),
    ownerName: z.string().optional().describe("The owner's display name, from its member document."),
    deletedAt: z.string().optional(),
    deletedReason: z.string().optional().describe('`Inactive` (the cleanup timer: POST .../reactivate brings the group back) or `DeletedByUser`'),
    reactivatedAt: z.string().optional().describe('when the group was last brought back after the inactivity cleanup'),
    lastRunStartedAt: z.string().optional(),
    targetWaitMinutes: z.number().int().optional().describe('the p95 queue-wait target, minutes; absent: none'),
    minUtilization: z.number().optional().describe('the minimum utilization, 0..1; absent: none'),
    capacitySchedule: z
      .array(z.object({ from: z.string(), to: z.string(), committedBots: z.number().int() }))
      .optional()
      .describe('committed bots for periods; absent: none'),
  })
  .meta({ id: 'Group' });

export const groupDetailsSchema = groupSchema
  .extend({ account: z.object({ username: z.string() }), provisioningErrorCount: z.number().int() })
  .meta({ id: 'GroupDetails' });

export const groupConnectionSchema = z
  .object({
    ...resourceFields,
    name: z.string(),
    groupId: z.string(),
    username: z.string(),
    ownerId: z.string(),
    ownerName: z.string().optional().describe(OWNER_NAME_DESCRIPTION),
  })
  .meta({ id: 'GroupConnection' });

export const provisioningErrorSchema = z.object({ at: z.string(), botId: z.string(), reason: z.string() }).meta({ id: 'ProvisioningError' });
