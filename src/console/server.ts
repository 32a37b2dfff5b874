/**
 * The console listener (DESIGN §3, issue 5): JSON APIs under /console/api for people in a browser.
 * Every route goes through `requireRole(...)`, which resumes the session from its HttpOnly cookie,
 * demands the X-CSRF-Token header on every state-changing call, holds a session that must first
 * change its password or enrol a second factor to those steps, and checks the roles — on the
 * server, whatever the browser shows.
 */
import { readFileSync } from 'node:fs';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type preHandlerAsyncHookHandler,
} from 'fastify';
import type { Logger } from 'pino';
import { checkAdminPassword, PASSWORD_PROBLEM_TEXT } from '../domain/admin-password.js';
import { PERMISSIONS, type ConsoleRole } from '../domain/console-roles.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import { hashPassword, verifyPassword } from '../security/passwords.js';
import { newTotpSecret, otpauthUri, verifyTotp } from '../security/totp.js';
import {
  deleteSession,
  deleteUserSessions,
  setPassword,
  setTotpSecret,
  type ConsoleSession,
  type ConsoleUser,
} from '../store/console-users.js';
import type { Database } from '../store/schema.js';
import type { Kysely } from 'kysely';
import {
  ConsoleAuth,
  PENDING_TOTP,
  sameSecret,
  type ConsoleAuthSettings,
  type SessionStage,
} from './auth.js';
import { consoleError, ConsoleError } from './errors.js';

export const SESSION_COOKIE = 'sms12333_console';
const ISSUER = 'sms12333';

export interface ConsoleDeps {
  db: Kysely<Database>;
  cipher: PersonalDataCipher;
  settings: ConsoleAuthSettings;
  logger?: Logger | undefined;
  now?: () => number;
}

export interface ConsoleOptions {
  /** Mark the cookie Secure (always with tls). */
  secureCookie: boolean;
  tls?: { cert: string; key: string; ca?: string | undefined; requireClientCert: boolean } | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: { session: ConsoleSession; user: ConsoleUser; stage: SessionStage };
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function beijing(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function userView(user: ConsoleUser, stage: SessionStage) {
  return {
    username: user.username,
    roles: user.roles,
    mustChangePassword: stage === 'password',
    mustEnrolTotp: stage === 'totp',
    permissions: [...new Set(user.roles.flatMap((r) => PERMISSIONS[r]))],
  };
}

export function buildConsole(deps: ConsoleDeps, options: ConsoleOptions): FastifyInstance {
  const auth = new ConsoleAuth(deps.db, deps.cipher, deps.settings, deps.now);
  const https = options.tls
    ? {
        cert: readFileSync(options.tls.cert),
        key: readFileSync(options.tls.key),
        ...(options.tls.ca !== undefined && { ca: readFileSync(options.tls.ca) }),
        requestCert: options.tls.requireClientCert,
        rejectUnauthorized: options.tls.requireClientCert,
      }
    : null;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: 65_536,
    ...(https && { https }),
  }) as unknown as FastifyInstance;
  const secure = options.secureCookie || options.tls !== undefined;
  const cookie = (value: string, maxAge?: number): string =>
    `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ConsoleError) return reply.status(error.status).send(error.body);
    if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500))
      return reply.status(400).send(consoleError('INVALID', error.message).body);
    request.log.error({ err: error, url: request.url }, '控制台内部错误 console error');
    return reply.status(500).send(consoleError('INTERNAL').body);
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(consoleError('NOT_FOUND').body));

  /** The guard of every console API route; no roles: any logged-in user. */
  const guard =
    (roles: readonly ConsoleRole[], allowStages: readonly SessionStage[]): preHandlerAsyncHookHandler =>
    async (request: FastifyRequest) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      const found = token === null ? null : await auth.resume(token);
      if (!found) throw consoleError('UNAUTHENTICATED');
      if (!SAFE_METHODS.has(request.method)) {
        const header = request.headers['x-csrf-token'];
        if (typeof header !== 'string' || !sameSecret(header, found.session.csrfToken))
          throw consoleError('CSRF');
      }
      const stage = auth.stage(found.user);
      if (!allowStages.includes(stage))
        throw consoleError(stage === 'password' ? 'PASSWORD_CHANGE_REQUIRED' : 'TOTP_ENROL_REQUIRED');
      if (roles.length > 0 && !found.user.roles.some((r) => roles.includes(r)))
        throw consoleError('FORBIDDEN');
      request.consoleSession = { ...found, stage };
    };
  const requireRole = (...roles: ConsoleRole[]) => guard(roles, ['full']);
  const anyStage = guard([], ['password', 'totp', 'full']);
  const current = (request: FastifyRequest) => {
    const s = request.consoleSession;
    if (!s) throw consoleError('UNAUTHENTICATED');
    return s;
  };

  app.post<{ Body: { username: string; password: string; totp?: string } }>(
    '/console/api/login',
    {
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
      void reply.header('set-cookie', cookie(result.token));
      return { csrfToken: result.session.csrfToken, user: userView(result.user, result.stage) };
    },
  );

  app.post('/console/api/logout', { preHandler: anyStage }, async (request, reply) => {
    await deleteSession(deps.db, current(request).session.id);
    void reply.header('set-cookie', cookie('', 0));
    return { ok: true };
  });

  app.get('/console/api/me', { preHandler: anyStage }, (request) => {
    const { user, stage, session } = current(request);
    return {
      user: userView(user, stage),
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
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
      const { user, session } = current(request);
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
      await setPassword(deps.db, user.id, await hashPassword(newPassword), now);
      // Other sessions were opened with the old password; this one stays.
      await deleteUserSessions(deps.db, user.id, session.id);
      return { ok: true };
    },
  );

  /** Starts enrolment: a new secret, shown once as an otpauth:// URI; confirmed by the next call. */
  app.post('/console/api/totp/enrol', { preHandler: guard([], ['totp', 'full']) }, async (request) => {
    const { user } = current(request);
    if (auth.totpSecret(user) !== null) throw consoleError('TOTP_ALREADY_ENROLLED');
    const secret = newTotpSecret();
    await setTotpSecret(deps.db, user.id, deps.cipher.encrypt(PENDING_TOTP + secret), auth.clock());
    return { otpauthUri: otpauthUri(ISSUER, user.username, secret), secret };
  });

  app.post<{ Body: { code: string } }>(
    '/console/api/totp/confirm',
    {
      preHandler: guard([], ['totp', 'full']),
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
      const { user } = current(request);
      const pending = auth.pendingTotpSecret(user);
      if (pending === null) throw consoleError('TOTP_NOT_PENDING');
      if (!verifyTotp(pending, request.body.code, auth.clock())) throw consoleError('TOTP_INVALID');
      await setTotpSecret(deps.db, user.id, deps.cipher.encrypt(pending), auth.clock());
      return { ok: true };
    },
  );

  /** The permission table, for the browser to draw its menus (the server checks regardless). */
  app.get('/console/api/roles', { preHandler: requireRole() }, () => ({ permissions: PERMISSIONS }));

  /** Users and roles: the security administrator's page. */
  app.get('/console/api/users', { preHandler: requireRole('security-admin') }, async () => {
    const rows = await deps.db
      .selectFrom('console_users')
      .select(['username', 'roles', 'status', 'locked_until', 'last_login_at', 'totp_secret_enc'])
      .orderBy('username')
      .execute();
    return {
      users: rows.map((r) => ({
        username: r.username,
        roles: r.roles.split(','),
        status: r.status,
        lockedUntil: r.locked_until === null ? null : new Date(r.locked_until).toISOString(),
        lastLoginAt: r.last_login_at === null ? null : new Date(r.last_login_at).toISOString(),
        totpEnrolled: r.totp_secret_enc !== null,
      })),
    };
  });

  return app;
}
