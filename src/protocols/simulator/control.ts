/**
 * The simulator's control HTTP (docs/design.md §4.5): a citizen texts the platform (`POST /sim/mo`), what a
 * handset received (`GET /sim/inbox`), the counters (`GET /sim/stats`), plus `POST /sim/config`
 * and `POST /sim/reset` for tests and the demo. The routes are a plugin apart from the listener,
 * so tests drive them with `inject()`; each request body and query has one zod schema that both
 * checks it and gives its type.
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import type { InboxEntry, MoRequest, SimulatorConfig, SimulatorStats } from './types.js';

export interface ControlTarget {
  inboxPage(
    mobile: string | undefined,
    limit: number,
    offset: number,
  ): { messages: InboxEntry[]; total: number };
  stats(): SimulatorStats;
  injectMo(mo: MoRequest): Promise<{ segments: number }>;
  configure(patch: Partial<SimulatorConfig>): SimulatorConfig;
  reset(): void;
}

export const DEFAULT_INBOX_LIMIT = 1000;

const MoBody = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  text: z.string(),
});

const InboxQuery = z.object({
  mobile: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_INBOX_LIMIT),
  offset: z.coerce.number().int().min(0).default(0),
});

const ConfigBody = z
  .object({
    dlrDelayMs: z.number().int().min(0),
    failRate: z.number().min(0).max(1),
    submitResult: z.number().int().min(0).max(255),
    answerSubmits: z.boolean(),
    loginTimeoutMs: z.number().int().min(1),
  })
  .partial()
  .strict();

/** A 400 whose message names the field and what is wrong with it. */
class BadRequest extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      const missing = issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
      return `${where}.${field || '(root)'}: ${missing ? '缺失 (missing)' : issue.message}`;
    })
    .join('; ');
  throw new BadRequest(detail);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path)
    at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

export function registerControlRoutes(app: FastifyInstance, target: ControlTarget): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (
      error instanceof BadRequest ||
      isAppError(error, 'ERR_SIMULATOR_MO_INVALID') ||
      isAppError(error, 'ERR_SIMULATOR_CONFIG')
    )
      return reply.status(400).send({ ok: false, error: error.message });
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return reply.status(error.statusCode).send({ ok: false, error: error.message });
    request.log.error({ err: error, url: request.url }, '模拟器控制接口错误 simulator control error');
    return reply.status(500).send({ ok: false, error: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ ok: false, error: `no such endpoint: ${request.method} ${request.url.split('?')[0] ?? ''}` }),
  );

  app.post('/sim/mo', async (request) => {
    const mo = parse(MoBody, request.body, 'body');
    const { segments } = await target.injectMo(mo);
    return { ok: true, segments };
  });

  app.get('/sim/inbox', (request) => {
    const query = parse(InboxQuery, request.query, 'query');
    const page = target.inboxPage(query.mobile, query.limit, query.offset);
    // docs/design.md §4.5: one handset answers { mobile, messages }; the whole inbox adds the total for paging.
    return query.mobile === undefined
      ? { messages: page.messages, total: page.total }
      : { mobile: query.mobile, messages: page.messages };
  });

  app.get('/sim/stats', () => target.stats());

  app.post('/sim/config', (request) => {
    const patch = parse(ConfigBody, request.body, 'body');
    return { ok: true, config: target.configure(stripUndefined(patch)) };
  });

  app.post('/sim/reset', () => {
    target.reset();
    return { ok: true };
  });
}

/** Zod's partial() types absent keys as `undefined`; exactOptionalPropertyTypes wants them gone. */
function stripUndefined(patch: {
  [K in keyof SimulatorConfig]?: SimulatorConfig[K] | undefined;
}): Partial<SimulatorConfig> {
  const out: Partial<SimulatorConfig> = {};
  if (patch.dlrDelayMs !== undefined) out.dlrDelayMs = patch.dlrDelayMs;
  if (patch.failRate !== undefined) out.failRate = patch.failRate;
  if (patch.submitResult !== undefined) out.submitResult = patch.submitResult;
  if (patch.answerSubmits !== undefined) out.answerSubmits = patch.answerSubmits;
  if (patch.loginTimeoutMs !== undefined) out.loginTimeoutMs = patch.loginTimeoutMs;
  return out;
}

export function buildControlApp(target: ControlTarget, logger: Logger): FastifyInstance {
  // Fastify types the instance by its logger; ours is pino's, which Fastify accepts as is.
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  registerControlRoutes(app, target);
  return app;
}

export interface ControlServer {
  readonly port: number;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function startControlServer(
  target: ControlTarget,
  options: { host: string; port: number; logger: Logger },
): Promise<ControlServer> {
  const app = buildControlApp(target, options.logger);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { port, app, close: () => app.close() };
}
