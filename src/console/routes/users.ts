/**
 * Users and roles: the security administrator's page (§8.1 a). Creating a user and
 * resetting a password answer a generated one-time password, once; the user must change it at the
 * first login. The three administrator roles exclude each other (三员分立). Nobody changes their own
 * roles, status or credentials here — another administrator must. Every change is an audit entry:
 * `data` for creates and updates, `operation` for unlock and resets; passwords never enter it.
 * Requests and answers: contract/users.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestSchema, responseSchema } from '../contract/schema.js';
import {
  userChanged,
  userCreate,
  userCreated,
  usernameParams,
  userRoles,
  userRolesAnswer,
  usersAnswer,
  type UserChanged,
  type UserCreate,
  type UserRoles,
  type UsersAnswer,
} from '../contract/users.js';
import { can } from '../../domain/console-roles.js';
import {
  checkRoles,
  createUserWithPassword,
  resetUserPassword,
  roleProblemText,
  validUsername,
} from '../../security/console-accounts.js';
import {
  clearLockout,
  clearTotpSecret,
  deleteUserSessions,
  findUserByName,
  listUsers,
  setRoles,
  setStatus,
  type ConsoleUser,
} from '../../store/console-users.js';
import { IdAllocator } from '../../store/ids.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

type Target = { Params: { username: string } };
const targetParams = requestSchema(usernameParams);

function rolesOrThrow(roles: readonly string[]) {
  const parsed = checkRoles(roles);
  if ('roles' in parsed) return parsed.roles;
  const text = roleProblemText(parsed.problem);
  throw consoleError(parsed.problem.kind === 'exclusive' ? 'ROLES_EXCLUSIVE' : 'ROLES_INVALID', text.zh, {
    messageEn: text.en,
    problem: parsed.problem,
  });
}

/** The one-time password must not stay in any cache between the server and the administrator. */
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store');
}

export const userRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  // Its own allocator: the users API also runs on a console without the platform (login tests).
  const ids = new IdAllocator(db, 10);

  /** The user named in the path, never the caller (a self-change is refused and recorded). */
  async function target(request: FastifyRequest<Target>, action: string): Promise<ConsoleUser> {
    const { username } = request.params;
    const user = await findUserByName(db, username);
    if (!user) throw consoleError('USER_NOT_FOUND');
    if (user.id === ctx.current(request).user.id) {
      await ctx.audit(request, { kind: 'operation', action, target: username, result: 'denied' });
      throw consoleError('SELF_CHANGE');
    }
    return user;
  }

  app.get(
    '/console/api/users',
    { preHandler: ctx.allow('user.manage'), schema: { response: responseSchema(usersAnswer) } },
    async (): Promise<UsersAnswer> => {
      const now = ctx.now();
      const users = await listUsers(db);
      return {
        users: users.map((u) => ({
          username: u.username,
          roles: u.roles,
          status: u.status,
          mustChangePassword: u.mustChangePassword,
          lockedUntil: u.lockedUntil !== null && u.lockedUntil > now ? iso(u.lockedUntil) : null,
          failedLogins: u.failedLogins,
          lastLoginAt: iso(u.lastLoginAt),
          totpEnrolled: ctx.auth.totpSecret(u) !== null,
          totpRequired: ctx.auth.needsTotp(u),
          createdAt: new Date(u.createdAt).toISOString(),
        })),
      };
    },
  );

  app.post<{ Body: UserCreate }>(
    '/console/api/users',
    {
      preHandler: ctx.allow('user.manage'),
      schema: { body: requestSchema(userCreate), response: responseSchema(userCreated) },
    },
    async (request, reply) => {
      // Creating a user hands out roles, so it needs both rights (the security administrator has them).
      if (!can(ctx.current(request).user.roles, 'role.assign')) throw consoleError('FORBIDDEN');
      const { username } = request.body;
      if (!validUsername(username)) throw consoleError('USERNAME_INVALID');
      const roles = rolesOrThrow(request.body.roles);
      const created = await createUserWithPassword(db, ids, username, roles, ctx.now());
      if (!created) throw consoleError('USER_EXISTS');
      await ctx.audit(request, {
        kind: 'data',
        action: 'user.create',
        target: username,
        result: 'ok',
        detail: { roles },
      });
      noStore(reply);
      return { username, roles, initialPassword: created.password };
    },
  );

  app.put<Target & { Body: UserRoles }>(
    '/console/api/users/:username/roles',
    {
      preHandler: ctx.allow('role.assign'),
      schema: {
        params: targetParams,
        body: requestSchema(userRoles),
        response: responseSchema(userRolesAnswer),
      },
    },
    async (request) => {
      const user = await target(request, 'user.roles');
      const roles = rolesOrThrow(request.body.roles);
      await setRoles(db, user.id, roles, ctx.now());
      await ctx.audit(request, {
        kind: 'data',
        action: 'user.roles',
        target: user.username,
        result: 'ok',
        detail: { from: user.roles, to: roles },
      });
      return { username: user.username, roles };
    },
  );

  const simple = (
    path: string,
    action: string,
    run: (user: ConsoleUser, request: FastifyRequest<Target>, reply: FastifyReply) => Promise<UserChanged>,
  ) =>
    app.post<Target>(
      `/console/api/users/:username/${path}`,
      {
        preHandler: ctx.allow('user.manage'),
        schema: { params: targetParams, response: responseSchema(userChanged) },
      },
      async (request, reply) => run(await target(request, action), request, reply),
    );

  simple('disable', 'user.disable', async (user, request) => {
    await setStatus(db, user.id, 'disabled', ctx.now());
    await deleteUserSessions(db, user.id);
    await ctx.audit(request, { kind: 'data', action: 'user.disable', target: user.username, result: 'ok' });
    return { username: user.username, status: 'disabled' as const };
  });

  simple('enable', 'user.enable', async (user, request) => {
    await setStatus(db, user.id, 'active', ctx.now());
    await ctx.audit(request, { kind: 'data', action: 'user.enable', target: user.username, result: 'ok' });
    return { username: user.username, status: 'active' as const };
  });

  simple('reset-password', 'user.reset-password', async (user, request, reply) => {
    const password = await resetUserPassword(db, user.id, ctx.now());
    await ctx.audit(request, {
      kind: 'operation',
      action: 'user.reset-password',
      target: user.username,
      result: 'ok',
      detail: { sessionsEnded: true, mustChangePassword: true },
    });
    noStore(reply);
    return { username: user.username, initialPassword: password };
  });

  simple('unlock', 'user.unlock', async (user, request) => {
    await clearLockout(db, user.id, ctx.now());
    await ctx.audit(request, {
      kind: 'operation',
      action: 'user.unlock',
      target: user.username,
      result: 'ok',
      detail: { lockedUntil: iso(user.lockedUntil), failedLogins: user.failedLogins },
    });
    return { username: user.username, lockedUntil: null };
  });

  simple('reset-totp', 'user.reset-totp', async (user, request) => {
    await clearTotpSecret(db, user.id, ctx.now());
    // A session opened with the old factor must not outlive it.
    await deleteUserSessions(db, user.id);
    await ctx.audit(request, {
      kind: 'operation',
      action: 'user.reset-totp',
      target: user.username,
      result: 'ok',
      detail: { sessionsEnded: true },
    });
    return { username: user.username, totpEnrolled: false as const };
  });
};
