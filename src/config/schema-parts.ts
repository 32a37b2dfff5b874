/**
 * The pieces of the configuration schema (schema.ts): a gateway, TLS settings, the http business
 * backend and a province's command extensions, and the small value types they share.
 */
import { z } from 'zod';
import { CARRIERS } from '../domain/carrier.js';
import { BUILTIN_CODES, isBuiltinCode } from '../domain/commands/index.js';
import { parseClockTime } from '../domain/quiet-hours.js';
import { PROTOCOLS, SERVER_AUTHENTICATOR_CHECKS } from '../protocols/gateway.js';

export const port = z.number().int().min(0).max(65535);
export const host = z.string().min(1);
export const digits = z.string().regex(/^\d*$/, 'digits only');
export const clockTime = z.string().refine((t) => parseClockTime(t) !== null, 'HH:mm, 00:00–23:59');

export const gateway = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'letters, digits, _ . - (at most 32)'),
    // `upstream` was the first name of the link to the ministry platform; it still reads.
    protocol: z.enum([...PROTOCOLS, 'upstream']).transform((p) => (p === 'upstream' ? 'ministry' : p)),
    host: host.default('127.0.0.1'),
    /** Carrier links: required. The ministry link takes `url` instead. */
    port: port.default(0),
    account: z.string().min(1),
    secret: z.string(),
    /** Required on carrier links; on the ministry link the ministry puts its own in front. */
    spNumber: digits.max(21).default(''),
    serviceId: z.string().max(10).default(''),
    carriers: z.array(z.enum(CARRIERS)).min(1),
    connections: z.number().int().min(1).max(64).default(1),
    window: z.number().int().min(1).max(1024).default(16),
    tps: z.number().int().min(1).max(100_000).default(200),
    requestTimeoutMs: z.number().int().min(100).default(30_000),
    keepaliveMs: z.number().int().min(100).default(180_000),
    reconnectMinMs: z.number().int().min(10).default(1_000),
    reconnectMaxMs: z.number().int().min(10).default(60_000),
    enabled: z.boolean().default(true),
    weight: z.number().int().min(1).max(1000).default(1),
    verifyServerAuthenticator: z.enum(SERVER_AUTHENTICATOR_CHECKS).default('strict'),
    /** The ministry platform's interface (protocol ministry): http(s)://host:port. */
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
    /** Client certificate and the CA to trust for the ministry link (files, PEM). */
    tls: z
      .object({ cert: z.string().optional(), key: z.string().optional(), ca: z.string().optional() })
      .strict()
      .optional(),
    /** Ministry link: which numbers it takes — those of other provinces (§5.2 b) or all. */
    scope: z.enum(['other-provinces', 'all']).default('other-provinces'),
    /** Ministry link: how often reports and replies are pulled when nothing is pending. */
    pollMs: z.number().int().min(10).max(60_000).default(1000),
    /**
     * Ministry link: take the ministry's signed push callbacks (docs/federation.md §4 "Push") on a
     * listener of its own; the pulls then run only as a catch-up every `catchUpMs` (0: never).
     */
    push: z
      .object({
        listenHost: host.default('127.0.0.1'),
        listenPort: port,
        /** The callback secret the ministry showed for this province's account. */
        secret: z.string().min(16, 'at least 16 characters (the callback secret the ministry showed)'),
        maxSkewSeconds: z.number().int().min(1).max(3600).default(300),
        catchUpMs: z.number().int().min(0).max(86_400_000).default(60_000),
      })
      .strict()
      .optional(),
    sgip: z
      .object({
        nodeId: z.number().int().min(0).max(4_294_967_295),
        corpId: z.string().regex(/^\d{5}$/, 'five digits'),
        listenHost: host.default('127.0.0.1'),
        listenPort: port,
        smgLogin: z.string().min(1),
        smgPassword: z.string(),
        reportFlag: z.union([z.literal(0), z.literal(1)]).default(1),
        idleCloseMs: z.number().int().min(100).default(60_000),
      })
      .strict()
      .optional(),
    smgp: z
      .object({ loginMode: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(2) })
      .strict()
      .optional(),
    smpp: z
      .object({
        systemType: z.string().max(12).default(''),
        bindMode: z.enum(['transceiver', 'pair']).default('transceiver'),
        sourceTon: z.number().int().min(0).max(255).default(0),
        sourceNpi: z.number().int().min(0).max(255).default(0),
        destTon: z.number().int().min(0).max(255).default(1),
        destNpi: z.number().int().min(0).max(255).default(1),
        longMessage: z.enum(['udh', 'sar', 'payload']).default('udh'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const tls = z
  .object({
    cert: z.string(),
    key: z.string(),
    ca: z.string().optional(),
    requireClientCert: z.boolean().default(false),
  })
  .strict();

/** A provincial core system over HTTPS/JSON (src/backend/http.ts documents the exchange). */
export const backendHttp = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    /** Per attempt: connecting, sending and reading the whole answer. */
    timeoutMs: z.number().int().min(50).max(120_000).default(3000),
    /** Further attempts for idempotent reads (person, query) after a timeout, refused connection or 5xx. */
    retries: z.number().int().min(0).max(10).default(2),
    /** First pause before a retry; doubled each time, with jitter. */
    retryBackoffMs: z.number().int().min(0).max(60_000).default(200),
    paths: z
      .object({
        person: z.string().startsWith('/').default('/person'),
        verifyPassword: z.string().startsWith('/').default('/person/verify-password'),
        changePassword: z.string().startsWith('/').default('/person/change-password'),
        /** Absent: no card system; card-loss requests are handled by staff in the console. */
        cardLoss: z.string().startsWith('/').optional(),
        query: z.string().startsWith('/').default('/query'),
      })
      .strict()
      .prefault({}),
    /** Client certificate for mutual TLS and the CA that signed the core system's certificate (PEM files). */
    tls: z
      .object({ cert: z.string().optional(), key: z.string().optional(), ca: z.string().optional() })
      .strict()
      .refine((t) => (t.cert === undefined) === (t.key === undefined), 'cert and key go together')
      .optional(),
    /** Sent as Authorization: Bearer …. */
    bearerToken: z.string().min(1).optional(),
    /** Further request headers (e.g. an API key). */
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** A province's own command (docs/design.md §5 Commands): answered from the backend, or a ticket for staff. */
export const citizenExtension = z
  .object({
    code: z
      .string()
      .regex(/^[A-Za-z]{1,10}$/, '1–10 letters')
      // A built-in name would never reach the extension (Table 1 wins), so the province's command
      // would be silently dead: refuse it where the operator can see why.
      .refine((code) => !isBuiltinCode(code.toUpperCase()), {
        error: `标准指令名不可用作省级扩展指令 a command of Table 1 (${BUILTIN_CODES.join(', ')}) cannot be an extension`,
      }),
    description: z.string().default(''),
    params: z
      .array(z.string().regex(/^\??[A-Za-z][A-Za-z0-9]{0,19}$/, 'a name, `?` first if optional'))
      .max(5)
      .default([]),
    handler: z.discriminatedUnion('kind', [
      /** KT#: notices and surveys flow to this phone again. */
      z.object({ kind: z.literal('resubscribe') }).strict(),
      /** A backend query whose fields fill `reply` ({field} variables; {name}/{ssn} are the bound person, masked). */
      z
        .object({
          kind: z.literal('query'),
          operation: z.string().min(1),
          reply: z.string().min(1),
          needsBinding: z.boolean().default(true),
        })
        .strict(),
      /** A ticket staff complete in the console or the CLI; the citizen gets a request number now and the result later. */
      z
        .object({
          kind: z.literal('ticket'),
          ticketKind: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
          needsBinding: z.boolean().default(false),
        })
        .strict(),
    ]),
  })
  .strict();

export const DEFAULT_EXTENSIONS: z.input<typeof citizenExtension>[] = [
  { code: 'KT', description: '恢复接收通知短信', handler: { kind: 'resubscribe' } },
];
