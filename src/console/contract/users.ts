/** The Users page's calls (routes/users.ts, web/pages/users/). */
import { z } from 'zod';
import { CONSOLE_ROLES } from '../../domain/console-roles.js';

export const userView = z.object({
  username: z.string(),
  roles: z.array(z.enum(CONSOLE_ROLES)),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  /** Locked after repeated failures until then; null: not locked. */
  lockedUntil: z.string().nullable(),
  failedLogins: z.number(),
  lastLoginAt: z.string().nullable(),
  totpEnrolled: z.boolean(),
  totpRequired: z.boolean(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;

/** GET /users */
export const usersAnswer = z.object({ users: z.array(userView) });
export type UsersAnswer = z.infer<typeof usersAnswer>;

/** Role names are checked by the route (known, and the three administrator roles apart). */
const roles = z.array(z.string().max(32)).min(1).max(6);

/** POST /users: answers the one-time password, once. */
export const userCreate = z.object({ username: z.string().max(64), roles }).strict();
export type UserCreate = z.infer<typeof userCreate>;
export const userCreated = z.object({
  username: z.string(),
  roles: z.array(z.enum(CONSOLE_ROLES)),
  initialPassword: z.string(),
});

/** PUT /users/:username/roles */
export const userRoles = z.object({ roles }).strict();
export type UserRoles = z.infer<typeof userRoles>;
export const userRolesAnswer = z.object({ username: z.string(), roles: z.array(z.enum(CONSOLE_ROLES)) });

export const usernameParams = z.object({ username: z.string().min(1).max(64) }).strict();

/** POST /users/:username/{disable,enable,reset-password,unlock,reset-totp}: what changed. */
export const userChanged = z.object({
  username: z.string(),
  status: z.enum(['active', 'disabled']).optional(),
  /** reset-password: the one-time password, once. */
  initialPassword: z.string().optional(),
  lockedUntil: z.null().optional(),
  totpEnrolled: z.literal(false).optional(),
});
export type UserChanged = z.infer<typeof userChanged>;
