/**
 * The configuration file's shape (docs/design.md §4.1). Every key has a sensible default so `--demo` and a
 * minimal file both work; validation errors name the key and the reason.
 */
import { z } from 'zod';
import { CONSOLE_ROLES } from '../domain/console-roles.js';
import {
  backendHttp,
  citizenExtension,
  clockTime,
  DEFAULT_EXTENSIONS,
  gateway,
  host,
  port,
  tls,
} from './schema-parts.js';
import { backupSettings, retentionSettings } from './schema-data.js';
import { callbackSettings, sftpSettings } from './schema-integration.js';

export { DEFAULT_EXTENSIONS } from './schema-parts.js';

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
        /** A request's headers must arrive within this, and the whole request within requestTimeoutMs. */
        headersTimeoutMs: z.number().int().min(100).default(10_000),
        requestTimeoutMs: z.number().int().min(100).default(30_000),
        /** Open connections one address may hold; more are closed at once. */
        maxConnectionsPerAddress: z.number().int().min(1).default(64),
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
    /** Segment data: 号段 → home province, city, carrier (docs/federation.md). Empty: the bundled dataset. */
    phoneData: z
      .object({
        file: z.string().default(''),
        /** How often the file is checked for changes. */
        reloadMs: z.number().int().min(100).default(5000),
      })
      .strict()
      .prefault({}),
    /** Federation (§5.2): where a number of unknown home province goes — stays local, or to the ministry link. */
    federation: z
      .object({ unknownHome: z.enum(['local', 'ministry']).default('local') })
      .strict()
      .prefault({}),
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
         * `end`; replies, results and verification codes still go. Null: none (docs/design.md §5).
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
        leaseSeconds: z.number().int().min(1).default(300),
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
    /** Verification codes (docs/design.md §4.3, POST /api/sms/otp/send and /verify). */
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
    /** The command engine: what citizens text to 12333 (§6.3, docs/design.md §5 Commands). */
    citizen: z
      .object({
        enabled: z.boolean().default(true),
        /** Replies, results and card-loss answers go out under this signature. */
        signature: z
          .string()
          .regex(/^(|【[^】]{1,20}】)$/, '【…】 or empty')
          .default('【12333】'),
        /**
         * Wrong service passwords within the window lock password commands (§6.3): for one SSN from
         * one phone at ssnPhoneFailureLimit, so a stranger's phone cannot lock the citizen's own;
         * for one SSN from any phones at ssnFailureLimit (guessing spread over many phones).
         */
        ssnPhoneFailureLimit: z.number().int().min(1).max(100).default(5),
        ssnFailureLimit: z.number().int().min(1).max(1000).default(20),
        /** Likewise for one phone trying several SSNs. */
        mobileFailureLimit: z.number().int().min(1).max(100).default(10),
        failureWindowHours: z.number().min(0.01).max(720).default(24),
        lockHours: z.number().min(0.01).max(720).default(24),
        /**
         * Commands one number may send within the window; past it one "too many requests" answer,
         * then silence until the window has room (nothing more is charged).
         */
        commandLimit: z
          .object({
            commands: z.number().int().min(1).default(20),
            windowMinutes: z.number().min(0.01).max(1440).default(10),
          })
          .strict()
          .prefault({}),
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
    backup: backupSettings,
    retention: retentionSettings,
    /** Reports and replies POSTed to the accounts' reportUrl / replyUrl (docs/callbacks.md). */
    callbacks: callbackSettings,
    /** Batch files over SFTP (docs/sftp.md). */
    sftp: sftpSettings,
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
      if (g.protocol === 'ministry' && !g.url)
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'url'],
          message: 'a ministry gateway needs url: https://ministry.example:8443',
        });
      if (g.protocol !== 'ministry' && g.push)
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'push'],
          message: 'only a ministry link takes push callbacks',
        });
      if (g.protocol !== 'ministry' && g.port === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'port'],
          message: 'required for a carrier link',
        });
      if (g.protocol !== 'ministry' && g.spNumber === '')
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'spNumber'],
          message: 'required for a carrier link',
        });
      if (g.protocol === 'ministry' && config.platform.role === 'ministry')
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'protocol'],
          message: 'the ministry platform has no ministry link above it (platform.role is ministry)',
        });
      if (g.reconnectMaxMs < g.reconnectMinMs)
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'reconnectMaxMs'],
          message: 'must be ≥ reconnectMinMs',
        });
    });
    const lease = leaseProblem(config);
    if (lease) ctx.addIssue({ code: 'custom', path: ['dispatcher', 'leaseSeconds'], message: lease });
  });

/**
 * A lease must outlast what is done under it (docs/multinode.md): the write of a part plus its
 * answer (the request timeout) with room to store it, and the sending of a whole claim at the
 * gateways' rate within the half of the lease the dispatcher feeds from it.
 */
function leaseProblem(config: {
  gateways: readonly { enabled: boolean; tps: number; requestTimeoutMs: number }[];
  dispatcher: { claimBatch: number; leaseSeconds: number };
}): string | null {
  const enabled = config.gateways.filter((g) => g.enabled);
  if (enabled.length === 0) return null;
  const leaseMs = config.dispatcher.leaseSeconds * 1000;
  const timeout = Math.max(...enabled.map((g) => g.requestTimeoutMs));
  if (leaseMs < 2 * timeout + 2000)
    return `租约过短 too short: must be ≥ 2 × the longest requestTimeoutMs (${timeout}) + 2 s`;
  const tps = enabled.reduce((n, g) => n + g.tps, 0);
  const sendMs = Math.ceil((config.dispatcher.claimBatch * 1000) / tps);
  if (leaseMs < 2 * sendMs)
    return `租约过短 too short: claimBatch ${config.dispatcher.claimBatch} at ${tps}/s takes ${sendMs} ms, at most half the lease`;
  return null;
}

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type GatewaySettings = Config['gateways'][number];
export type BackendHttpSettings = NonNullable<Config['backend']['http']>;
