/**
 * Login, logout, the current user, password change and second-factor enrolment (standard
 * §8.1 a and b). Logins and their failures go to the access log with the name as typed.
 */
import { checkAdminPassword, PASSWORD_PROBLEM_TEXT } from '../../domain/admin-password.js';
import { PERMISSIONS } from '../../domain/console-roles.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import { newTotpSecret, otpauthUri, verifyTotp } from '../../security/totp.js';
import {
  deleteSession,
  deleteUserSessions,
  setPassword,
  setTotpSecret,
  type ConsoleUser,
} from '../../store/console-users.js';
import { PENDING_TOTP, type SessionStage } from '../auth.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { sessionCookie } from '../cookies.js';

const ISSUER = 'sms12333';

function beijing(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function userView(user: ConsoleUser, stage: SessionStage) {
  return {
    username: user.username,
    roles: user.roles,
    mustChangePassword: stage === 'password',
    mustEnrolTotp: stage === 'totp',
    permissions: [...new Set(user.roles.flatMap((r) => PERMISSIONS[r]))],
  };
}

export const sessionRoutes: ConsoleRoutes = (app, ctx) => {
  const { auth, deps } = ctx;
  const db = deps.handle.db;
  const anyStage = ctx.stageGuard(['password', 'totp', 'full']);

  app.post<{ Body: { username: string; password: string; totp?: string } }>(
    '/console/api/login',
    {
      config: { quietAudit: true, publicRoute: true },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
            totp: { type: 'string', maxLength: 10 },
          },
        },
      },
    },
    async (request, reply) => {
      const { username, password, totp } = request.body;
      const result = await auth.login(username, password, totp, request.ip);
      if (!result.ok) {
        await ctx.audit(request, {
          kind: 'access',
          actor: username,
          action: 'login',
          result: 'failed',
          detail: { reason: result.reason },
        });
        switch (result.reason) {
          case 'failed':
            throw consoleError('LOGIN_FAILED');
          case 'totp-required':
            throw consoleError('TOTP_REQUIRED');
          case 'locked':
            throw consoleError('LOCKED', `账户已锁定，请于 ${beijing(result.unlockAt)}（北京时间）后再试`, {
              unlockAt: new Date(result.unlockAt).toISOString(),
            });
        }
      }
      request.consoleSession = { session: result.session, user: result.user, stage: result.stage };
      await ctx.audit(request, { kind: 'access', action: 'login', result: 'ok' });
      void reply.header('set-cookie', sessionCookie(ctx.secureCookie, result.token));
      return { csrfToken: result.session.csrfToken, user: userView(result.user, result.stage) };
    },
  );

  app.post(
    '/console/api/logout',
    { preHandler: anyStage, config: { quietAudit: true } },
    async (request, reply) => {
      await deleteSession(db, ctx.current(request).session.id);
      await ctx.audit(request, { kind: 'access', action: 'logout', result: 'ok' });
      void reply.header('set-cookie', sessionCookie(ctx.secureCookie, '', 0));
      return { ok: true };
    },
  );

  app.get('/console/api/me', { preHandler: anyStage, config: { quietAudit: true } }, (request) => {
    const { user, stage, session } = ctx.current(request);
    return {
      user: userView(user, stage),
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
      idleMinutes: deps.settings.idleMinutes,
      demo: (deps.services?.handsets.length ?? 0) > 0,
    };
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/console/api/password',
    {
      preHandler: anyStage,
      schema: {
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: {
            currentPassword: { type: 'string', maxLength: 256 },
            newPassword: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
    async (request) => {
      const { user, session } = ctx.current(request);
      const { currentPassword, newPassword } = request.body;
      if (!(await verifyPassword(user.passwordHash, currentPassword))) throw consoleError('WRONG_PASSWORD');
      const problems = checkAdminPassword(newPassword, user.username);
      if (newPassword === currentPassword)
        throw consoleError('PASSWORD_POLICY', '新密码不得与当前密码相同', { problems: ['same-as-current'] });
      if (problems.length > 0)
        throw consoleError('PASSWORD_POLICY', problems.map((p) => PASSWORD_PROBLEM_TEXT[p].zh).join('；'), {
          problems,
        });
      const now = auth.clock();
      await setPassword(db, user.id, await hashPassword(newPassword), now);
      // Other sessions were opened with the old password; this one stays.
      await deleteUserSessions(db, user.id, session.id);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'password.change',
        target: user.username,
        result: 'ok',
      });
      return { ok: true };
    },
  );

  const enrolling = ctx.stageGuard(['totp', 'full']);

  /** Starts enrolment: a new secret, shown once as an otpauth:// URI; confirmed by the next call. */
  app.post('/console/api/totp/enrol', { preHandler: enrolling }, async (request) => {
    const { user } = ctx.current(request);
    if (auth.totpSecret(user) !== null) throw consoleError('TOTP_ALREADY_ENROLLED');
    const secret = newTotpSecret();
    await setTotpSecret(db, user.id, deps.cipher.encrypt(PENDING_TOTP + secret), auth.clock());
    return { otpauthUri: otpauthUri(ISSUER, user.username, secret), secret };
  });

  app.post<{ Body: { code: string } }>(
    '/console/api/totp/confirm',
    {
      preHandler: enrolling,
      schema: {
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string', maxLength: 10 } },
        },
      },
    },
    async (request) => {
      const { user } = ctx.current(request);
      const pending = auth.pendingTotpSecret(user);
      if (pending === null) throw consoleError('TOTP_NOT_PENDING');
      if (!verifyTotp(pending, request.body.code, auth.clock())) throw consoleError('TOTP_INVALID');
      await setTotpSecret(db, user.id, deps.cipher.encrypt(pending), auth.clock());
      await ctx.audit(request, {
        kind: 'operation',
        action: 'totp.enrol',
        target: user.username,
        result: 'ok',
      });
      return { ok: true };
    },
  );

  /** The permission table, for the browser to draw its menus (the server checks regardless). */
  app.get('/console/api/roles', { preHandler: ctx.loggedIn, config: { quietAudit: true } }, () => ({
    permissions: PERMISSIONS,
  }));

  /** The browser reports page views, so the access log shows who looked at what (§8.1 c). */
  app.post<{ Body: { page: string } }>(
    '/console/api/access',
    {
      preHandler: ctx.loggedIn,
      config: { quietAudit: true },
      schema: {
        body: {
          type: 'object',
          required: ['page'],
          additionalProperties: false,
          properties: { page: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9/-]+$' } },
        },
      },
    },
    async (request) => {
      await ctx.audit(request, {
        kind: 'access',
        action: 'page.view',
        target: request.body.page,
        result: 'ok',
      });
      return { ok: true };
    },
  );
};
