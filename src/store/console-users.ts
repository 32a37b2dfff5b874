/** Console users and sessions (migration 0008): plain functions over a Kysely handle. */
import type { Kysely } from 'kysely';
import type { ConsoleRole } from '../domain/console-roles.js';
import type { Database } from './schema.js';
import type { IdAllocator } from './ids.js';

export interface ConsoleUser {
  id: number;
  username: string;
  passwordHash: string;
  roles: ConsoleRole[];
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  passwordChangedAt: number;
  totpSecretEnc: string | null;
  failedLogins: number;
  failedWindowStart: number | null;
  lockedUntil: number | null;
}

export interface ConsoleSession {
  id: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  ip: string;
  expiresAt: number;
}

type Db = Kysely<Database>;

function toUser(r: Database['console_users']): ConsoleUser {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    roles: r.roles.split(',').filter((s) => s !== '') as ConsoleRole[],
    status: r.status,
    mustChangePassword: r.must_change_password === 1,
    passwordChangedAt: r.password_changed_at,
    totpSecretEnc: r.totp_secret_enc,
    failedLogins: r.failed_logins,
    failedWindowStart: r.failed_window_start === null ? null : r.failed_window_start,
    lockedUntil: r.locked_until === null ? null : r.locked_until,
  };
}

export async function findUserByName(db: Db, username: string): Promise<ConsoleUser | null> {
  const r = await db
    .selectFrom('console_users')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  return r ? toUser(r) : null;
}

export async function findUserById(db: Db, id: number): Promise<ConsoleUser | null> {
  const r = await db.selectFrom('console_users').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : null;
}

/** Inserts a user; null when the name is taken. */
export async function insertUser(
  db: Db,
  ids: IdAllocator,
  user: {
    username: string;
    passwordHash: string;
    roles: readonly ConsoleRole[];
    mustChangePassword: boolean;
  },
  now: number,
): Promise<ConsoleUser | null> {
  if (await findUserByName(db, user.username)) return null;
  await ids.reserve(1);
  await db
    .insertInto('console_users')
    .values({
      id: ids.take(),
      username: user.username,
      password_hash: user.passwordHash,
      roles: user.roles.join(','),
      status: 'active',
      must_change_password: user.mustChangePassword ? 1 : 0,
      password_changed_at: now,
      totp_secret_enc: null,
      failed_logins: 0,
      failed_window_start: null,
      locked_until: null,
      last_login_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return findUserByName(db, user.username);
}

export async function recordFailure(
  db: Db,
  id: number,
  state: { failedLogins: number; failedWindowStart: number | null; lockedUntil: number | null },
  now: number,
): Promise<void> {
  await db
    .updateTable('console_users')
    .set({
      failed_logins: state.failedLogins,
      failed_window_start: state.failedWindowStart,
      locked_until: state.lockedUntil,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function recordLogin(db: Db, id: number, now: number): Promise<void> {
  await db
    .updateTable('console_users')
    .set({
      failed_logins: 0,
      failed_window_start: null,
      locked_until: null,
      last_login_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function setPassword(db: Db, id: number, passwordHash: string, now: number): Promise<void> {
  await db
    .updateTable('console_users')
    .set({ password_hash: passwordHash, must_change_password: 0, password_changed_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function setTotpSecret(db: Db, id: number, sealed: string, now: number): Promise<void> {
  await db
    .updateTable('console_users')
    .set({ totp_secret_enc: sealed, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function insertSession(db: Db, s: ConsoleSession): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      csrf_token: s.csrfToken,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      ip: s.ip,
      expires_at: s.expiresAt,
    })
    .execute();
}

export async function findSession(db: Db, id: string): Promise<ConsoleSession | null> {
  const r = await db.selectFrom('console_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    ip: r.ip,
    expiresAt: r.expires_at,
  };
}

export async function touchSession(db: Db, id: string, now: number, expiresAt: number): Promise<void> {
  await db
    .updateTable('console_sessions')
    .set({ last_seen_at: now, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id', '=', id).execute();
}

/** Ends every session of a user but `keep` (after a password change the others log in again). */
export async function deleteUserSessions(db: Db, userId: number, keep?: string): Promise<void> {
  let q = db.deleteFrom('console_sessions').where('user_id', '=', userId);
  if (keep !== undefined) q = q.where('id', '<>', keep);
  await q.execute();
}

/** A user with the dates the security administrator's list shows. */
export type ConsoleUserListed = ConsoleUser & { lastLoginAt: number | null; createdAt: number };

export async function listUsers(db: Db): Promise<ConsoleUserListed[]> {
  const rows = await db.selectFrom('console_users').selectAll().orderBy('username').execute();
  return rows.map((r) => ({ ...toUser(r), lastLoginAt: r.last_login_at, createdAt: r.created_at }));
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db
    .selectFrom('console_users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function setRoles(
  db: Db,
  id: number,
  roles: readonly ConsoleRole[],
  now: number,
): Promise<void> {
  await db
    .updateTable('console_users')
    .set({ roles: roles.join(','), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function setStatus(
  db: Db,
  id: number,
  status: 'active' | 'disabled',
  now: number,
): Promise<void> {
  await db.updateTable('console_users').set({ status, updated_at: now }).where('id', '=', id).execute();
}

/**
 * An administrator's reset: a new one-time password that must be changed at the next login. The
 * lockout goes too, so the user can use the new password at once.
 */
export async function resetPassword(db: Db, id: number, passwordHash: string, now: number): Promise<void> {
  await db
    .updateTable('console_users')
    .set({
      password_hash: passwordHash,
      must_change_password: 1,
      password_changed_at: now,
      failed_logins: 0,
      failed_window_start: null,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function clearLockout(db: Db, id: number, now: number): Promise<void> {
  await db
    .updateTable('console_users')
    .set({ failed_logins: 0, failed_window_start: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Forgets the second factor; a user whose roles require one enrols again at the next login. */
export async function clearTotpSecret(db: Db, id: number, now: number): Promise<void> {
  await db
    .updateTable('console_users')
    .set({ totp_secret_enc: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}
