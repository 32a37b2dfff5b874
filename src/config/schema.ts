/**
 * The configuration file's shape (DESIGN §4.1). Every key has a sensible default so `--demo` and a
 * minimal file both work; validation errors name the key and the reason.
 */
import { z } from 'zod';
import { CARRIERS } from '../domain/carrier.js';
import { CONSOLE_ROLES } from '../domain/console-roles.js';
import { parseClockTime } from '../domain/quiet-hours.js';
import { PROTOCOLS } from '../protocols/gateway.js';

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);
const digits = z.string().regex(/^\d*$/, 'digits only');
const clockTime = z.string().refine((t) => parseClockTime(t) !== null, 'HH:mm, 00:00–23:59');

const gateway = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'letters, digits, _ . - (at most 32)'),
    protocol: z.enum(PROTOCOLS),
    host: host.default('127.0.0.1'),
    port,
    account: z.string().min(1),
    secret: z.string(),
    spNumber: digits.min(1).max(21),
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

const tls = z
  .object({
    cert: z.string(),
    key: z.string(),
    ca: z.string().optional(),
    requireClientCert: z.boolean().default(false),
  })
  .strict();

/** A provincial core system over HTTPS/JSON (src/backend/http.ts documents the exchange). */
const backendHttp = z
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

/** A province's own command (DESIGN §5 Commands): answered from the backend, or a ticket for staff. */
const citizenExtension = z
  .object({
    code: z.string().regex(/^[A-Za-z]{1,10}$/, '1–10 letters'),
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

export const configSchema = z
  .object({
    platform: z
      .object({
        role: z.enum(['province', 'ministry']).default('province'),
        province: z
          .string()
          .regex(/^\d{2}$/, 'two-digit province code')
          .default('21'),
        name: z.string().default('人力资源和社会保障厅'),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: z.string().min(1).default('sqlite:./data/sms12333.db'),
        /** SQLite only: FULL fsyncs every commit (durable across power loss), NORMAL only across process crashes. */
        sqliteSynchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
        poolSize: z.number().int().min(1).max(100).default(10),
      })
      .strict()
      .prefault({}),
    interface: z
      .object({
        enabled: z.boolean().default(true),
        host: host.default('127.0.0.1'),
        port: port.default(8080),
        tls: tls.optional(),
        /** Largest request body accepted, in bytes. */
        bodyLimit: z.number().int().min(1024).default(1_048_576),
        /** Most numbers in one send request (Appendix A code 2 beyond it). */
        maxMobiles: z.number().int().min(1).max(100_000).default(1000),
        /** Take the caller's address from X-Forwarded-For (only behind a trusted proxy). */
        trustProxy: z.boolean().default(false),
        /** An account with an empty whitelist accepts any address (off: such an account accepts none). */
        openWhenWhitelistEmpty: z.boolean().default(false),
        /** Wrong passwords before an account's interface access is locked, and for how long. */
        passwordFailureLimit: z.number().int().min(1).default(5),
        passwordLockSeconds: z.number().int().min(1).default(900),
      })
      .strict()
      .prefault({}),
    console: z
      .object({
        enabled: z.boolean().default(true),
        host: host.default('127.0.0.1'),
        port: port.default(8081),
        tls: tls.optional(),
        /** Mark the session cookie Secure even without tls (behind a TLS-terminating proxy). */
        secureCookie: z.boolean().default(false),
        /** A session unused this long ends (等保 idle timeout). */
        idleMinutes: z.number().int().min(1).default(15),
        /** §8.1 b: `failures` wrong logins within `windowMinutes` lock the user for `lockMinutes`. */
        lockout: z
          .object({
            failures: z.number().int().min(1).default(5),
            windowMinutes: z.number().int().min(1).default(15),
            lockMinutes: z.number().int().min(1).default(30),
          })
          .strict()
          .prefault({}),
        /** A password older than this must be changed at login; 0: never expires. */
        passwordMaxAgeDays: z.number().int().min(0).default(90),
        /** Roles that must log in with a TOTP second factor. */
        requireTotpFor: z.array(z.enum(CONSOLE_ROLES)).default(['system-admin', 'security-admin', 'auditor']),
        /** A batch sent from the console to more recipients than this waits for a reviewer's approval. */
        batchReviewThreshold: z.number().int().min(1).default(1000),
      })
      .strict()
      .prefault({}),
    /** Prometheus text format at GET /metrics; keep it on an internal address. */
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        host: host.default('127.0.0.1'),
        port: port.default(9108),
      })
      .strict()
      .prefault({}),
    gateways: z.array(gateway).default([]),
    sending: z
      .object({
        /** Most segments of one long message (Appendix A code 9 beyond it). */
        maxSegments: z.number().int().min(1).max(255).default(10),
        /** How long to wait for a delivery report before the message is UNKNOWN (CMPP: 48 h). */
        reportDeadlineSeconds: z
          .number()
          .int()
          .min(1)
          .default(48 * 3600),
        /** How long a queued message may wait for a gateway before it EXPIRES. */
        validitySeconds: z
          .number()
          .int()
          .min(1)
          .default(24 * 3600),
        /** Attempts on temporary failures before a message FAILS. */
        maxAttempts: z.number().int().min(1).default(10),
        retryMinMs: z.number().int().min(1).default(1_000),
        retryMaxMs: z.number().int().min(1).default(300_000),
        /** Latest accepted sendTime, in days ahead. */
        maxScheduleDays: z.number().int().min(1).default(30),
        /** Held messages whose review is not decided within this many hours EXPIRE, refunded. */
        reviewHoldHours: z
          .number()
          .min(1)
          .max(30 * 24)
          .default(72),
        /**
         * Beijing-time window (`HH:mm`, may wrap midnight) in which notices and surveys wait until
         * `end`; replies, results and verification codes still go. Null: none (DESIGN §5).
         */
        quietHours: z
          .object({ start: clockTime, end: clockTime })
          .strict()
          .refine((q) => q.start !== q.end, { error: 'start and end must differ', path: ['end'] })
          .nullable()
          .default(null),
        /** Limits per number on notices and surveys (verification codes have `otp`'s). */
        frequency: z
          .object({
            /** The same content from the same app to a number within this many minutes goes once (BLOCKED, stat DUPLICATE). 0: off. */
            identicalContentWindowMinutes: z
              .number()
              .int()
              .min(0)
              .max(7 * 24 * 60)
              .default(60),
            /** Notices and surveys one number may get per Beijing day (then BLOCKED, stat FREQUENCY). 0: unlimited. */
            maxPerNumberPerDay: z.number().int().min(0).max(10_000).default(0),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    dispatcher: z
      .object({
        /** Off: this process only admits (an interface-only node beside dispatching ones on PostgreSQL). */
        enabled: z.boolean().default(true),
        claimBatch: z.number().int().min(1).max(10_000).default(1000),
        pollMs: z.number().int().min(5).default(200),
        leaseSeconds: z.number().int().min(5).default(300),
        sweepMs: z.number().int().min(50).default(1000),
      })
      .strict()
      .prefault({}),
    uplink: z
      .object({
        /** How long segments of a long uplink message wait for the rest before it is kept as PARTIAL. */
        reassemblySeconds: z.number().int().min(1).default(300),
      })
      .strict()
      .prefault({}),
    /** Verification codes (DESIGN §4.3, POST /api/sms/otp/send and /verify). */
    otp: z
      .object({
        enabled: z.boolean().default(true),
        /** The text after the app's signature; `{code}` is the 6-digit code, `{minutes}` its validity. */
        template: z
          .string()
          .refine((t) => t.includes('{code}'), 'must contain {code}')
          .refine(
            (t) => [...t.matchAll(/\{(\w*)\}/g)].every((m) => m[1] === 'code' || m[1] === 'minutes'),
            'only {code} and {minutes} are filled in',
          )
          .default('您的验证码为{code}，{minutes}分钟内有效。如非本人操作请忽略。'),
        ttlSeconds: z.number().int().min(1).max(3600).default(300),
        /** Checks of one code, the right one included; then it is dead. */
        maxAttempts: z.number().int().min(1).max(100).default(5),
        /** Least time between two codes for the same app, number and scene. */
        cooldownSeconds: z.number().int().min(0).max(3600).default(60),
        /** Codes one number may receive per Beijing-time day, across apps and scenes. */
        dailyCap: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .prefault({}),
    /** The command engine: what citizens text to 12333 (§6.3, DESIGN §5 Commands). */
    citizen: z
      .object({
        enabled: z.boolean().default(true),
        /** Replies, results and card-loss answers go out under this signature. */
        signature: z
          .string()
          .regex(/^(|【[^】]{1,20}】)$/, '【…】 or empty')
          .default('【12333】'),
        /** Wrong service passwords for one SSN within the window lock its password commands (§6.3). */
        ssnFailureLimit: z.number().int().min(1).max(100).default(5),
        /** Likewise for one phone trying several SSNs. */
        mobileFailureLimit: z.number().int().min(1).max(100).default(10),
        failureWindowHours: z.number().min(0.01).max(720).default(24),
        lockHours: z.number().min(0.01).max(720).default(24),
        /** How often to look for commands another process stored (a wake-up covers this one's own). */
        pollMs: z.number().int().min(10).max(60_000).default(1000),
        /** Business-system accounts (the card system, a case system) allowed to list and complete tickets. */
        ticketApps: z.array(z.string().min(1)).default([]),
        /**
         * Extension codes starting with these digits belong to surveys (§7.4): survey N answers from
         * prefix + N (9001). Uplinks to them go to the command engine, never to a business system,
         * so no app's ext code may start with it.
         */
        surveyExtPrefix: z
          .string()
          .regex(/^\d{1,4}$/, '1–4 digits')
          .default('9'),
        /** Business-system accounts allowed to create, send and read surveys through the interface. */
        surveyApps: z.array(z.string().min(1)).default([]),
        /** Province extensions (§6.3): code, parameters (`?` marks optional), and what answers them. */
        extensions: z.array(citizenExtension).prefault(DEFAULT_EXTENSIONS),
      })
      .strict()
      .prefault({}),
    /** Personal data (SSN, name) at rest: AES-256-GCM, looked up by HMAC (src/security/personal-data.ts). */
    security: z
      .object({
        /** Base64 of 32 random bytes; empty: read (or create once, mode 0600) dataKeyFile. */
        dataKey: z
          .string()
          .regex(/^(|[A-Za-z0-9+/_-]{43}=?)$/, 'base64 of 32 bytes (openssl rand -base64 32)')
          .default(''),
        /** Empty: data.key beside the SQLite database, else ./data/data.key. */
        dataKeyFile: z.string().default(''),
      })
      .strict()
      .prefault({}),
    /** Where citizens' insurance data comes from (§7.2): the embedded table or a provincial core system. */
    backend: z
      .object({
        kind: z.enum(['embedded', 'http']).default('embedded'),
        http: backendHttp.optional(),
      })
      .strict()
      .prefault({})
      .refine((b) => b.kind !== 'http' || b.http !== undefined, {
        error: 'kind http needs http: { baseUrl, … }',
        path: ['http'],
      }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.gateways.forEach((g, i) => {
      if (ids.has(g.id))
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'id'],
          message: `duplicate gateway id ${g.id}`,
        });
      ids.add(g.id);
      if (g.protocol === 'sgip' && !g.sgip)
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'sgip'],
          message: 'an sgip gateway needs sgip: { nodeId, corpId, listenPort, smgLogin, smgPassword }',
        });
      if (g.reconnectMaxMs < g.reconnectMinMs)
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'reconnectMaxMs'],
          message: 'must be ≥ reconnectMinMs',
        });
    });
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type GatewaySettings = Config['gateways'][number];
export type BackendHttpSettings = NonNullable<Config['backend']['http']>;
