/**
 * The interface listener: the Fastify app for business systems. Every answer is JSON with a
 * `code`; malformed bodies, oversized bodies and unknown paths get a clear code, never an HTML or
 * 500 page.
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { result, ResultError } from '../domain/result-codes.js';
import { OPENAPI } from './openapi.js';
import { registerSmsRoutes, type SmsRouteDeps } from './routes-sms.js';
import { registerOtpRoutes } from './routes-otp.js';
import { registerCitizenRoutes, type CitizenRouteDeps } from './routes-citizen.js';
import { registerSurveyRoutes, type SurveyRouteDeps } from './routes-survey.js';
import type { OtpService } from '../pipeline/otp.js';
import type { AccessEntry } from '../store/access-log.js';

export interface InterfaceOptions {
  bodyLimit: number;
  trustProxy: boolean;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnectionsPerAddress: number;
  tls?: { cert: string; key: string; ca?: string | undefined; requireClientCert: boolean } | undefined;
}

const OPEN_PATHS = new Set(['/healthz', '/api/openapi.json']);

/** Closes at once a connection beyond `max` open ones from the same address. */
function capConnections(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

export async function buildInterface(
  deps: SmsRouteDeps & {
    otp?: OtpService | undefined;
    citizen?: Omit<CitizenRouteDeps, 'credentials'> | undefined;
    survey?: Pick<SurveyRouteDeps, 'surveys' | 'surveyApps'> | undefined;
    /** The interface access log (standard §8.1 c); every /api/ call is recorded. */
    accessLog?: { record(entry: AccessEntry): void } | undefined;
  },
  options: InterfaceOptions,
): Promise<FastifyInstance> {
  const https = options.tls
    ? {
        cert: readFileSync(options.tls.cert),
        key: readFileSync(options.tls.key),
        ...(options.tls.ca !== undefined && { ca: readFileSync(options.tls.ca) }),
        requestCert: options.tls.requireClientCert,
        rejectUnauthorized: options.tls.requireClientCert,
      }
    : null;
  const timeouts: ServerOptions = {
    requestTimeout: options.requestTimeoutMs,
    headersTimeout: Math.min(options.headersTimeoutMs, options.requestTimeoutMs),
    // Node looks for overdue requests this often (30 s by default, too coarse for a timeout of seconds).
    connectionsCheckingInterval: Math.min(1000, options.headersTimeoutMs),
  };
  const app = Fastify({
    loggerInstance: deps.logger,
    // Request lines at thousands per second would drown the log; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    serverFactory: (handler: RequestListener) => {
      const server: Server = https
        ? createHttpsServer({ ...https, ...timeouts }, handler)
        : createServer(timeouts, handler);
      capConnections(server, options.maxConnectionsPerAddress);
      return server;
    },
  }) as unknown as FastifyInstance;
  await app.register(formbody, { bodyLimit: options.bodyLimit });
  // Fastify reads text/plain by default; the interface documents JSON and forms only (415 otherwise).
  app.removeContentTypeParser('text/plain');

  // The whitelist before the body: an address no active account lists is answered code 5 and
  // disconnected without reading what it sends.
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url)) return;
    if (await deps.credentials.addressKnown(request.ip)) return;
    return reply
      .header('connection', 'close')
      .status(200)
      .send(result('IP', `来源地址 ${request.ip} 不在白名单内`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ResultError) return reply.status(error.httpStatus).send(error.body);
    switch (error.code) {
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(200).send(result('MISSING', '请求体为空'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.status(200).send(result('FORMAT', '请求体不是合法的 JSON', { field: 'body' }));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .status(413)
          .send(result('FORMAT', `请求体超过 ${options.bodyLimit} 字节`, { field: 'body' }));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(
          result('FORMAT', '只接受 application/json 或 application/x-www-form-urlencoded', {
            field: 'body',
          }),
        );
      default:
        break;
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return reply.status(200).send(result('FORMAT', error.message, { field: 'body' }));
    request.log.error({ err: error, url: request.url }, '接口内部错误 interface error');
    return reply.status(503).send(result('BUSY'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(result('NOT_FOUND', `${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  if (deps.accessLog) recordCalls(app, deps.accessLog, deps.now ?? Date.now);

  app.get('/api/openapi.json', () => OPENAPI);
  app.get('/healthz', () => ({ status: 'ok' }));
  registerSmsRoutes(app, deps);
  if (deps.citizen) registerCitizenRoutes(app, { credentials: deps.credentials, ...deps.citizen });
  if (deps.survey)
    registerSurveyRoutes(app, {
      credentials: deps.credentials,
      ...deps.survey,
      maxMobiles: deps.settings.maxMobiles,
      ...(deps.now && { now: deps.now }),
    });
  if (deps.otp)
    registerOtpRoutes(app, {
      credentials: deps.credentials,
      otp: deps.otp,
      ...(deps.now && { now: deps.now }),
    });
  return app;
}

/** How many numbers a call names: `mobiles` (array or comma-separated) or one `mobile`. */
function numbersIn(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const { mobiles, mobile } = body as { mobiles?: unknown; mobile?: unknown };
  if (Array.isArray(mobiles)) return mobiles.length;
  if (typeof mobiles === 'string') return mobiles.split(',').filter((m) => m.trim() !== '').length;
  return typeof mobile === 'string' && mobile !== '' ? 1 : 0;
}

function recordCalls(
  app: FastifyInstance,
  log: { record(entry: AccessEntry): void },
  now: () => number,
): void {
  const answers = new WeakMap<object, { code: number | null; msg: string | null; ip: string }>();
  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string' && request.url.startsWith('/api/')) {
      const code = /^\{"code":(-?\d+)/.exec(payload);
      let msg: string | null = null;
      if (code?.[1] !== '1') {
        const m = /"msg":("(?:[^"\\]|\\.)*")/.exec(payload);
        msg = m?.[1] ? (JSON.parse(m[1]) as string).slice(0, 200) : null;
      }
      // The address is read now: once the answer is out, a closed socket may no longer tell it.
      answers.set(request, { code: code?.[1] === undefined ? null : Number(code[1]), msg, ip: request.ip });
    }
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const answer = answers.get(request) ?? { code: null, msg: null, ip: request.ip };
    const body = request.body as { appName?: unknown } | undefined;
    const appName = typeof body?.appName === 'string' ? body.appName.slice(0, 64) : null;
    log.record({
      at: now(),
      app_name: appName,
      // Typed string, but undefined once a socket has closed.
      source_ip: answer.ip || request.socket.remoteAddress || '',
      path: request.url.split('?')[0] ?? request.url,
      code: answer.code,
      numbers: numbersIn(request.body),
      duration_ms: Math.round(reply.elapsedTime),
      msg: answer.msg,
    });
  });
}
