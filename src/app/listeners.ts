/**
 * The platform's listeners — the interface for business systems, the metrics scrape and the
 * operators' console — each built from the running core and opened on its configured address.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadAuditKey } from '../audit/log.js';
import type { Citizens } from '../citizen/index.js';
import type { Config } from '../config/schema.js';
import type { DemoHandsetLink } from '../console/context.js';
import { buildConsole } from '../console/server.js';
import { Credentials } from '../interface/credentials.js';
import { buildInterface } from '../interface/server.js';
import { AccessLogWriter } from '../pipeline/access-log.js';
import type { Admission } from '../pipeline/admission.js';
import type { Dispatcher } from '../pipeline/dispatcher.js';
import { createMetrics } from '../pipeline/metrics.js';
import type { OtpService } from '../pipeline/otp.js';
import type { PhoneDataSource } from '../pipeline/phone-data.js';
import type { GatewayControl } from '../pipeline/gateway-control.js';
import type { Router } from '../pipeline/router.js';
import type { SensitiveWordList } from '../pipeline/sensitive-words.js';
import type { EventWriter } from '../pipeline/writer.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import { openSftp, type SftpService } from '../sftp/index.js';
import { listenAt } from './listen.js';

/** What the listeners serve from: the platform's running core. */
export interface ListenerDeps {
  config: Config;
  handle: DatabaseHandle;
  ids: IdAllocator;
  gateways: GatewayControl;
  router: Router;
  phoneData: PhoneDataSource | null;
  admission: Admission;
  sensitiveWords: SensitiveWordList;
  otp: OtpService;
  dispatcher: Dispatcher;
  writer: EventWriter;
  citizens: Citizens;
  logger: Logger;
  now: () => number;
  handsets: readonly DemoHandsetLink[];
}

export interface Listeners {
  readonly credentials: Credentials;
  interfaceApp: FastifyInstance | null;
  interfaceUrl: string | null;
  metricsUrl: string | null;
  consoleApp: FastifyInstance | null;
  consoleUrl: string | null;
  /** The SFTP batch interface (docs/sftp.md), when `sftp.enabled`. */
  sftp: SftpService | null;
  close(): Promise<void>;
}

/** Opens every enabled listener; if one cannot open, those already open are closed and it throws. */
export async function openListeners(deps: ListenerDeps): Promise<Listeners> {
  const { config, handle, logger, now } = deps;
  const credentials = new Credentials(
    handle.db,
    {
      cacheMs: 1000,
      failureLimit: config.interface.passwordFailureLimit,
      failureWindowMs: config.interface.passwordLockSeconds * 1000,
      lockMs: config.interface.passwordLockSeconds * 1000,
      openWhenWhitelistEmpty: config.interface.openWhenWhitelistEmpty,
      defaultSignature: config.citizen.signature,
    },
    now,
  );
  let metricsApp: FastifyInstance | null = null;
  const accessLog =
    config.interface.enabled || config.sftp.enabled
      ? new AccessLogWriter(handle, deps.ids, logger.child({ component: 'access-log' }))
      : null;
  const listeners: Listeners = {
    credentials,
    interfaceApp: null,
    interfaceUrl: null,
    metricsUrl: null,
    consoleApp: null,
    consoleUrl: null,
    sftp: null,
    async close() {
      await listeners.sftp?.close().catch(() => undefined);
      await listeners.interfaceApp?.close().catch(() => undefined);
      await accessLog?.close();
      await metricsApp?.close().catch(() => undefined);
      await listeners.consoleApp?.close().catch(() => undefined);
    },
  };
  // Extension codes share the 21 digits of a sender number with the longest SP number.
  const longestSp = Math.max(0, ...config.gateways.map((g) => g.spNumber.length));
  const sendSettings = {
    maxMobiles: config.interface.maxMobiles,
    maxSegments: config.sending.maxSegments,
    maxScheduleDays: config.sending.maxScheduleDays,
    extRoom: Math.max(0, 21 - longestSp),
  };
  try {
    if (config.interface.enabled) {
      listeners.interfaceApp = await buildInterface(
        {
          db: handle.db,
          credentials,
          admission: deps.admission,
          router: deps.router,
          otp: config.otp.enabled ? deps.otp : undefined,
          citizen: { tickets: deps.citizens.tickets, ticketApps: config.citizen.ticketApps },
          openText: (token) => deps.citizens.cipher.decrypt(token),
          accessLog: accessLog ?? undefined,
          survey: { surveys: deps.citizens.surveys, surveyApps: config.citizen.surveyApps },
          logger: logger.child({ component: 'interface' }),
          settings: sendSettings,
          now,
        },
        {
          bodyLimit: config.interface.bodyLimit,
          trustProxy: config.interface.trustProxy,
          headersTimeoutMs: config.interface.headersTimeoutMs,
          requestTimeoutMs: config.interface.requestTimeoutMs,
          maxConnectionsPerAddress: config.interface.maxConnectionsPerAddress,
          tls: config.interface.tls,
        },
      );
      listeners.interfaceUrl = await listenAt(listeners.interfaceApp, {
        name: 'interface',
        ...config.interface,
        tls: config.interface.tls !== undefined,
        hint: '可用 SMS12333_INTERFACE_PORT 换一个端口 (choose another port with SMS12333_INTERFACE_PORT)',
      });
    }

    if (config.metrics.enabled) {
      const registry = createMetrics({
        handle,
        router: deps.router,
        dispatcher: deps.dispatcher,
        writer: deps.writer,
      });
      metricsApp = Fastify({ logger: false });
      metricsApp.get('/metrics', async (_request, reply) =>
        reply.type(registry.contentType).send(await registry.metrics()),
      );
      const base = await listenAt(metricsApp, {
        name: 'metrics',
        ...config.metrics,
        tls: false,
        hint: '可用 SMS12333_METRICS_PORT 换端口或 SMS12333_METRICS_ENABLED=false 关闭',
      });
      listeners.metricsUrl = `${base}/metrics`;
    }

    if (config.console.enabled) {
      listeners.consoleApp = buildConsole(
        {
          handle,
          cipher: deps.citizens.cipher,
          settings: config.console,
          auditKey: loadAuditKey(config),
          services: {
            config,
            ids: deps.ids,
            admission: deps.admission,
            router: deps.router,
            phoneData: deps.phoneData,
            gateways: deps.gateways,
            citizens: deps.citizens,
            wakeDispatcher: () => deps.dispatcher.wake(),
            sensitiveWords: deps.sensitiveWords,
            handsets: deps.handsets,
            // Opened after the console: read when asked.
            sftpPort: () => listeners.sftp?.port ?? null,
          },
          logger: logger.child({ component: 'console' }),
          now,
        },
        { secureCookie: config.console.secureCookie, tls: config.console.tls },
      );
      listeners.consoleUrl = await listenAt(listeners.consoleApp, {
        name: 'console',
        ...config.console,
        tls: config.console.tls !== undefined,
        hint: '可用 SMS12333_CONSOLE_PORT 换端口或 SMS12333_CONSOLE_ENABLED=false 关闭',
      });
    }

    if (config.sftp.enabled) {
      listeners.sftp = await openSftp({
        config,
        send: { db: handle.db, admission: deps.admission, router: deps.router, settings: sendSettings },
        ids: deps.ids,
        logger,
        accessLog: accessLog ?? undefined,
        openText: (token) => deps.citizens.cipher.decrypt(token),
        now,
      });
    }
  } catch (err) {
    await listeners.close();
    throw err;
  }
  return listeners;
}
