/**
 * The console listener (docs/design.md §3): the React app under /console/ and its JSON APIs under
 * /console/api for people in a browser. Every API route goes through a guard that resumes the
 * session from its HttpOnly cookie, demands the X-CSRF-Token header on every state-changing call,
 * holds a session that must first change its password or enrol a second factor to those steps, and
 * checks permissions — on the server, whatever the browser shows. Every API call leaves an access
 * entry in the audit log; routes add operation and data entries for what they did.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type preHandlerAsyncHookHandler,
} from 'fastify';
import { appendAudit } from '../audit/log.js';
import { can, type ConsoleAction, type ConsoleRole } from '../domain/console-roles.js';
import type { ConsoleSession, ConsoleUser } from '../store/console-users.js';
import { ConsoleAuth, sameSecret, type SessionStage } from './auth.js';
import type { ConsoleContext, ConsoleDeps, ConsoleRoutes, RouteAuditEntry } from './context.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { consoleError, ConsoleError } from './errors.js';
import { PLATFORM_ROUTES } from './routes/index.js';
import { sessionRoutes } from './routes/session.js';
import { auditRoutes } from './routes/audit.js';
import { userRoutes } from './routes/users.js';

export { SESSION_COOKIE } from './cookies.js';
export type { ConsoleDeps } from './context.js';

export interface ConsoleOptions {
  /** Mark the cookie Secure (always with tls). */
  secureCookie: boolean;
  tls?: { cert: string; key: string; ca?: string | undefined; requireClientCert: boolean } | undefined;
  /** Where the built browser app is; default dist/console-web of this checkout. */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: { session: ConsoleSession; user: ConsoleUser; stage: SessionStage };
  }
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** src/console/server.ts and dist/console/server.js both sit two folders below the checkout. */
const DEFAULT_WEB_ROOT = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/console-web');

/**
 * Scripts only from this origin; antd writes its styles at run time, so inline styles are allowed.
 * No framing (clickjacking), no referrer to other sites.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/** How a console API route is guarded; read by the role-isolation tests. */
export type GuardRule =
  | { kind: 'public' }
  | { kind: 'stage'; stages: readonly SessionStage[] }
  | { kind: 'actions'; actions: readonly ConsoleAction[] }
  | { kind: 'roles'; roles: readonly ConsoleRole[] };

export interface ConsoleRouteRule {
  method: string;
  url: string;
  rule: GuardRule;
}

const routeTables = new WeakMap<FastifyInstance, ConsoleRouteRule[]>();

/** Every /console/api route of a built console and the guard that protects it. */
export function consoleRouteTable(app: FastifyInstance): readonly ConsoleRouteRule[] {
  return routeTables.get(app) ?? [];
}

export function buildConsole(deps: ConsoleDeps, options: ConsoleOptions): FastifyInstance {
  const auth = new ConsoleAuth(deps.handle.db, deps.cipher, deps.settings, deps.now);
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
    // Batch files are uploaded as base64 inside JSON.
    bodyLimit: 16 * 1024 * 1024,
    ...(https && { https }),
  }) as unknown as FastifyInstance;
  const now = deps.now ?? Date.now;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ConsoleError) return reply.status(error.status).send(error.body);
    if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500))
      return reply.status(400).send(consoleError('INVALID', error.message).body);
    request.log.error({ err: error, url: request.url }, '控制台内部错误 console error');
    return reply.status(500).send(consoleError('INTERNAL').body);
  });
  app.addHook('onSend', async (_request, reply) => {
    void reply.headers(PAGE_HEADERS);
  });

  const guards = new WeakMap<object, GuardRule>();
  const table: ConsoleRouteRule[] = [];
  routeTables.set(app, table);
  // Refuses at start-up an API route that no guard protects: a forgotten preHandler must not ship.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/console/api/')) return;
    const handlers = [route.preHandler ?? []].flat();
    const rule = handlers.map((h) => guards.get(h)).find((r) => r !== undefined);
    // Routes name their guard as a preHandler; it runs at onRequest instead, before the body is
    // read or validated, so a caller without the right learns nothing from validation errors.
    const mine = handlers.filter((h) => guards.has(h));
    if (mine.length > 0) {
      route.preHandler = handlers.filter((h) => !guards.has(h));
      route.onRequest = [...mine, ...[route.onRequest ?? []].flat()] as NonNullable<typeof route.onRequest>;
    }
    if (rule === undefined && route.config?.publicRoute !== true)
      throw new Error(`console route ${route.method.toString()} ${route.url} has no guard`);
    for (const method of [route.method].flat())
      table.push({ method, url: route.url, rule: rule ?? { kind: 'public' } });
  });

  const stageGuard = (
    allowStages: readonly SessionStage[],
    check?: (roles: readonly ConsoleRole[]) => boolean,
    rule: GuardRule = { kind: 'stage', stages: allowStages },
  ) => {
    const guard = (async (request: FastifyRequest) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      const found = token === null ? null : await auth.resume(token);
      if (!found) throw consoleError('UNAUTHENTICATED');
      if (!SAFE_METHODS.has(request.method)) {
        const header = request.headers['x-csrf-token'];
        if (typeof header !== 'string' || !sameSecret(header, found.session.csrfToken))
          throw consoleError('CSRF');
      }
      const stage = auth.stage(found.user);
      request.consoleSession = { ...found, stage };
      if (!allowStages.includes(stage))
        throw consoleError(stage === 'password' ? 'PASSWORD_CHANGE_REQUIRED' : 'TOTP_ENROL_REQUIRED');
      if (check && !check(found.user.roles)) throw consoleError('FORBIDDEN');
    }) satisfies preHandlerAsyncHookHandler;
    guards.set(guard, rule);
    return guard;
  };

  const audit = async (request: FastifyRequest, entry: RouteAuditEntry): Promise<void> => {
    const s = request.consoleSession;
    await appendAudit(
      deps.handle,
      deps.auditKey,
      {
        ...entry,
        actor: (entry.actor ?? s?.user.username ?? 'anonymous').slice(0, 64),
        role: s ? s.user.roles.join(',') : null,
        sourceIp: request.ip,
      },
      now(),
    );
  };

  const ctx: ConsoleContext = {
    deps,
    auth,
    secureCookie: options.secureCookie || options.tls !== undefined,
    stageGuard: (stages) => stageGuard(stages),
    loggedIn: stageGuard(['full']),
    allow: (...actions: ConsoleAction[]) =>
      stageGuard(['full'], (roles) => actions.some((a) => can(roles, a)), { kind: 'actions', actions }),
    requireRole: (...wanted: ConsoleRole[]) =>
      stageGuard(['full'], (roles) => roles.some((r) => wanted.includes(r)), {
        kind: 'roles',
        roles: wanted,
      }),
    current: (request) => {
      const s = request.consoleSession;
      if (!s) throw consoleError('UNAUTHENTICATED');
      return s;
    },
    services: () => {
      if (!deps.services) throw consoleError('NOT_FOUND');
      return deps.services;
    },
    audit,
    now,
  };

  // Access log: every API call, with its outcome; denied calls are what an auditor looks for first.
  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/console/api/') || request.routeOptions.config.quietAudit === true) return;
    const status = reply.statusCode;
    await audit(request, {
      kind: 'access',
      action: `api ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0] ?? ''}`,
      result: status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'failed',
      detail: { status },
    }).catch((err: unknown) => request.log.error({ err }, '审计日志写入失败 audit append failed'));
  });

  const routes: ConsoleRoutes[] = [
    sessionRoutes,
    userRoutes,
    auditRoutes,
    ...(deps.services ? PLATFORM_ROUTES : []),
  ];
  for (const register of routes) register(app, ctx);

  // The variable lets a developer serve a build made elsewhere (vite build --outDir …).
  const webRoot = options.webRoot ?? process.env.SMS12333_CONSOLE_WEB_ROOT ?? DEFAULT_WEB_ROOT;
  if (existsSync(join(webRoot, 'index.html'))) {
    void app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/console/',
      index: ['index.html'],
      wildcard: true,
    });
    app.get('/console', (_request, reply) => reply.redirect('/console/'));
    app.get('/', (_request, reply) => reply.redirect('/console/'));
  } else {
    app.get('/console/', (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .status(503)
        .send(
          '控制台页面尚未构建：请运行 npm run build。The console pages are not built: run npm run build.\n',
        ),
    );
  }
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(consoleError('NOT_FOUND').body));
  return app;
}
