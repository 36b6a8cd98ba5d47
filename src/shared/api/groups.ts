import { z } from 'zod';
import { pageNumberSchema, pageSizeSchema, requiredText } from './fields.ts';

/**
 * Groups are sent to applications as one comma-separated header value, so a name may not hold a
 * comma (or anything else a header or a CSV cell would trip on).
 */
export const groupNameSchema = requiredText('Name', { max: 64 }).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, {
  error:
    'A group name may use letters, digits, spaces, dots, dashes and underscores, and starts with a letter or digit (no commas: applications receive groups as a comma-separated list).',
});

export const GROUP_MFA_POLICIES = ['inherit', 'required', 'off'] as const;
export const groupMfaPolicySchema = z.enum(GROUP_MFA_POLICIES, {
  error: 'MFA must be inherit (the instance policy), required or off.',
});
export type GroupMfaPolicy = z.infer<typeof groupMfaPolicySchema>;

const descriptionSchema = z
  .string({ error: 'Description must be text.' })
  .trim()
  .max(300, { error: 'Description must be at most 300 characters.' });

export const createGroupBodySchema = z
  .object({
    name: groupNameSchema,
    description: descriptionSchema.default(''),
    mfaPolicy: groupMfaPolicySchema.default('inherit'),
  })
  .strict();

export const updateGroupBodySchema = z
  .object({
    name: groupNameSchema.optional(),
    description: descriptionSchema.optional(),
    mfaPolicy: groupMfaPolicySchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { error: 'Change at least one field.' });

const userIdSchema = z.number({ error: 'A user id must be a number.' }).int().positive();

export const groupMembersBodySchema = z
  .object({
    userIds: z
      .array(userIdSchema)
      .min(1, { error: 'Choose at least one user.' })
      .max(500, { error: 'Add at most 500 users at a time.' }),
  })
  .strict();

export const groupViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  mfaPolicy: groupMfaPolicySchema,
  memberCount: z.number(),
  /** The applications whose rules name this group (it cannot be deleted while there are any). */
  usedBy: z.array(z.object({ id: z.number(), name: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const groupMemberSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  disabled: z.boolean(),
  addedAt: z.string(),
});

export const groupDetailSchema = groupViewSchema.extend({ members: z.array(groupMemberSchema) });

export const groupListQuerySchema = z
  .object({
    q: z.string().max(64, { error: 'Search must be at most 64 characters.' }).optional(),
    page: pageNumberSchema,
    pageSize: pageSizeSchema(30),
  })
  .strict();

export const groupListResponseSchema = z.object({
  items: z.array(groupViewSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

/** Each listed user's groups (Settings > Access > Users shows them). */
export const membershipsQuerySchema = z
  .object({
    userIds: z
      .string()
      .max(2000)
      .regex(/^\d{1,12}(,\d{1,12})*$/, { error: 'userIds is a comma-separated list of user ids.' }),
  })
  .strict();

export const membershipsResponseSchema = z.object({
  items: z.array(z.object({ userId: z.number(), groups: z.array(z.object({ id: z.number(), name: z.string() })) })),
});

export type GroupView = z.infer<typeof groupViewSchema>;
export type GroupDetail = z.infer<typeof groupDetailSchema>;
export type GroupMember = z.infer<typeof groupMemberSchema>;
export type CreateGroupBody = z.infer<typeof createGroupBodySchema>;
export type UpdateGroupBody = z.infer<typeof updateGroupBodySchema>;
export type GroupListResponse = z.infer<typeof groupListResponseSchema>;
