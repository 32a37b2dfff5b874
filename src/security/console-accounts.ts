/**
 * Creating console users and resetting their passwords, the same way from the console (the
 * security administrator's Users page), `sms12333 user …` and the demo's first run: the password is
 * generated, shown once to whoever made it and must be changed at the first login. There is never a
 * default password, and the plain password is never stored or logged.
 */
import { randomInt } from 'node:crypto';
import { generatePassword } from '../domain/admin-password.js';
import { CONSOLE_ROLES, parseRoles, type ConsoleRole, type RoleSetProblem } from '../domain/console-roles.js';
import { hashPassword } from './passwords.js';
import { deleteUserSessions, insertUser, resetPassword, type ConsoleUser } from '../store/console-users.js';
import type { Database } from '../store/schema.js';
import type { IdAllocator } from '../store/ids.js';
import type { Kysely } from 'kysely';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{2,64}$/;

export function validUsername(name: string): boolean {
  return USERNAME_PATTERN.test(name);
}

/** Why a role set is refused, in both languages (三员分立 named as such). */
export function roleProblemText(p: RoleSetProblem): { zh: string; en: string } {
  switch (p.kind) {
    case 'empty':
      return { zh: '至少选择一个角色', en: 'choose at least one role' };
    case 'unknown':
      return {
        zh: `未知角色 ${p.role}（可选：${CONSOLE_ROLES.join('、')}）`,
        en: `unknown role ${p.role} (known: ${CONSOLE_ROLES.join(', ')})`,
      };
    case 'exclusive':
      return {
        zh: `${p.roles.join(' 与 ')} 互斥（三员分立：系统管理员、安全管理员、审计管理员不得由同一人兼任）`,
        en: `${p.roles.join(' and ')} exclude each other (separation of duties: system, security and audit administrators are different people)`,
      };
  }
}

/** Parses roles given as a list (console) or a comma-separated text (command line). */
export function checkRoles(
  roles: string | readonly string[],
): { roles: ConsoleRole[] } | { problem: RoleSetProblem } {
  return parseRoles(typeof roles === 'string' ? roles : roles.join(','));
}

export function oneTimePassword(): string {
  return generatePassword(randomInt);
}

/** A new user with a generated one-time password; null when the name is taken. */
export async function createUserWithPassword(
  db: Kysely<Database>,
  ids: IdAllocator,
  username: string,
  roles: readonly ConsoleRole[],
  now: number,
): Promise<{ user: ConsoleUser; password: string } | null> {
  const password = oneTimePassword();
  const user = await insertUser(
    db,
    ids,
    { username, passwordHash: await hashPassword(password), roles, mustChangePassword: true },
    now,
  );
  return user ? { user, password } : null;
}

/** A new one-time password that must be changed at the next login; every session of the user ends. */
export async function resetUserPassword(db: Kysely<Database>, userId: number, now: number): Promise<string> {
  const password = oneTimePassword();
  await resetPassword(db, userId, await hashPassword(password), now);
  await deleteUserSessions(db, userId);
  return password;
}
