/**
 * One platform process: the database, the gateways, admission, the dispatcher, the correlator's
 * writer, the sweeper and the interface listener, started in dependency order and stopped in
 * reverse so that nothing claimed, answered or received is dropped on the way out.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors.js';
import type { Gateway, GatewayConfig } from '../protocols/gateway.js';
import { createGateway } from '../protocols/registry.js';
import { Credentials } from '../interface/credentials.js';
import { buildInterface } from '../interface/server.js';
import { loadAuditKey } from '../audit/log.js';
import type { DemoHandsetLink } from '../console/context.js';
import { buildConsole } from '../console/server.js';
import { startGateways } from './gateway-events.js';
import { listenAt } from './listen.js';
import { openDatabase, type DatabaseHandle } from '../store/connect.js';
import { sequenceFeeds } from '../store/feeds.js';
import { IdAllocator } from '../store/ids.js';
import { findDeadInstances, registerInstance, unregisterInstance } from '../store/instances.js';
import { reclaimLeases } from '../store/sweeps.js';
import { createCitizens, type Citizens } from '../citizen/index.js';
import { Admission, sendingRulesFrom } from './admission.js';
import { Dispatcher } from './dispatcher.js';
import { SensitiveWordList } from './sensitive-words.js';
import { OtpService, otpSecretsFrom } from './otp.js';
import { createMetrics } from './metrics.js';
import { Router } from './router.js';
import { pidAlive, Sweeper } from './sweeper.js';
import { EventWriter } from './writer.js';

export interface PlatformOptions {
  config: Config;
  logger: Logger;
  /** Builds gateways; tests may wrap the real ones. */
  gatewayFactory?: (config: GatewayConfig, deps: { logger: Logger }) => Gateway;
  now?: () => number;
  /** Demo: the in-process simulators the console's handset page talks to. */
  handsets?: readonly DemoHandsetLink[];
}

export interface Platform {
  readonly config: Config;
  readonly handle: DatabaseHandle;
  readonly ids: IdAllocator;
  readonly router: Router;
  readonly admission: Admission;
  /** The sensitive words admission screens texts for (the console invalidates it after a change). */
  readonly sensitiveWords: SensitiveWordList;
  readonly dispatcher: Dispatcher;
  readonly writer: EventWriter;
  readonly sweeper: Sweeper;
  readonly credentials: Credentials;
  /** The command engine and what it needs (bindings, backend, reply texts, tickets). */
  readonly citizens: Citizens;
  readonly instanceId: string;
  readonly interfaceApp: FastifyInstance | null;
  /** http://host:port of the interface listener, when it listens. */
  readonly interfaceUrl: string | null;
  /** http://host:port/metrics, when the metrics listener is on. */
  readonly metricsUrl: string | null;
  /** http(s)://host:port of the console listener, when it listens. */
  readonly consoleUrl: string | null;
  /** The console listener, when it runs. */
  readonly consoleApp: FastifyInstance | null;
  close(): Promise<void>;
}

function toGatewayConfig(g: Config['gateways'][number]): GatewayConfig {
  const { enabled: _enabled, ...rest } = g;
  return rest;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const handle = await openDatabase(config.database.url, {
    sqliteSynchronous: config.database.sqliteSynchronous,
    poolSize: config.database.poolSize,
  });
  const ids = new IdAllocator(handle.db);
  const instanceId = randomUUID();
  const host = hostname();
  const started = now();

  try {
    // SQLite is one process's database: a live platform already on it must not be joined.
    if (handle.caps.dialect === 'sqlite') {
      const others = await handle.db.selectFrom('instances').select(['id', 'pid', 'host']).execute();
      const dead = new Set(
        await findDeadInstances(handle.db, {
          self: instanceId,
          host,
          now: started,
          staleMs: 15_000,
          isAlive: pidAlive,
        }),
      );
      const live = others.filter((o) => !dead.has(o.id));
      if (live.length > 0)
        throw new AppError(
          'ERR_STORE_LOCKED',
          `pid ${live.map((l) => l.pid).join(',')} on ${live[0]?.host ?? host}`,
        );
    }
    await registerInstance(handle.db, instanceId, host, process.pid, started);
  } catch (err) {
    await handle.close();
    throw err;
  }

  const gatewayFactory = options.gatewayFactory ?? createGateway;
  const gateways = config.gateways
    .filter((g) => g.enabled)
    .map((g) => gatewayFactory(toGatewayConfig(g), { logger }));
  const router = new Router(gateways);
  const settings = {
    reportDeadlineMs: config.sending.reportDeadlineSeconds * 1000,
    validityMs: config.sending.validitySeconds * 1000,
    maxAttempts: config.sending.maxAttempts,
    retryMinMs: config.sending.retryMinMs,
    retryMaxMs: config.sending.retryMaxMs,
  };

  let sequencing: Promise<unknown> | null = null;
  let sequenceAgain = false;
  const pokeSequencer = (): void => {
    if (sequencing) {
      sequenceAgain = true;
      return;
    }
    // Numbering waits a little so that one run covers many writer groups.
    sequencing = new Promise((r) => setTimeout(r, 100))
      .then(() => sequenceFeeds(handle.db, handle.caps))
      .catch((err: unknown) => logger.warn({ err }, '报告编号失败 feed sequencing failed'))
      .finally(() => {
        sequencing = null;
        if (sequenceAgain) {
          sequenceAgain = false;
          pokeSequencer();
        }
      });
  };

  let citizens: Citizens;
  try {
    citizens = await createCitizens({
      config,
      handle,
      ids,
      router,
      logger: logger.child({ component: 'citizen' }),
      now,
      onAnswered: () => dispatcher.wake(),
    });
  } catch (err) {
    await unregisterInstance(handle.db, instanceId).catch(() => undefined);
    await handle.close();
    throw err;
  }

  const writer = new EventWriter(
    handle,
    ids,
    { ...settings, protectUplink: citizens.protectUplink },
    { now, onFinished: pokeSequencer },
  );
  // Built even when its routes are off: queued codes still need their text revealed to be sent.
  const otp = new OtpService({
    handle,
    ids,
    router,
    secrets: otpSecretsFrom(citizens.cipher),
    settings: { ...config.otp, maxSegments: config.sending.maxSegments },
    logger: logger.child({ component: 'otp' }),
    now,
    onQueued: () => dispatcher.wake(),
  });
  const dispatcher = new Dispatcher(
    handle,
    router,
    writer,
    {
      owner: instanceId,
      claimBatch: config.dispatcher.claimBatch,
      pollMs: config.dispatcher.pollMs,
      leaseMs: config.dispatcher.leaseSeconds * 1000,
      reveal: otp.reveal,
    },
    logger.child({ component: 'dispatcher' }),
    now,
  );
  const sensitiveWords = new SensitiveWordList(handle, { now, logger: logger.child({ component: 'words' }) });
  const admission = new Admission(handle, ids, {
    now,
    onCommitted: () => dispatcher.wake(),
    rules: sendingRulesFrom(config.sending),
    words: sensitiveWords,
  });
  const sweeper = new Sweeper(
    handle,
    ids,
    {
      instanceId,
      host,
      sweepMs: config.dispatcher.sweepMs,
      validityMs: settings.validityMs,
      reviewHoldMs: config.sending.reviewHoldHours * 3600_000,
      staleMs: Math.max(15_000, config.dispatcher.sweepMs * 10),
      orphanTtlMs: settings.reportDeadlineMs + 24 * 3600 * 1000,
      reassemblyMs: config.uplink.reassemblySeconds * 1000,
      protectUplink: citizens.protectUplink,
    },
    logger.child({ component: 'sweeper' }),
    now,
    () => dispatcher.wake(),
  );

  startGateways(gateways, {
    db: handle.db,
    writer,
    surveyExtPrefix: config.citizen.surveyExtPrefix,
    logger,
    now,
    uplinkForCitizens: () => citizens.service.wake(),
    linkUp: () => dispatcher.wake(),
  });

  // Leases of a previous process on this database that died are handed back at once.
  await sweeper.runOnce();
  if (config.dispatcher.enabled) dispatcher.start();
  sweeper.start();
  citizens.start();

  const credentials = new Credentials(
    handle.db,
    {
      cacheMs: 1000,
      failureLimit: config.interface.passwordFailureLimit,
      failureWindowMs: config.interface.passwordLockSeconds * 1000,
      lockMs: config.interface.passwordLockSeconds * 1000,
      openWhenWhitelistEmpty: config.interface.openWhenWhitelistEmpty,
    },
    now,
  );

  let interfaceApp: FastifyInstance | null = null;
  let interfaceUrl: string | null = null;
  let metricsApp: FastifyInstance | null = null;
  let metricsUrl: string | null = null;
  let consoleApp: FastifyInstance | null = null;
  let consoleUrl: string | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await interfaceApp?.close().catch(() => undefined);
      await metricsApp?.close().catch(() => undefined);
      await consoleApp?.close().catch(() => undefined);
      await admission.close();
      await citizens.close();
      await dispatcher.stop();
      await Promise.allSettled(gateways.map((g) => g.close()));
      await writer.close();
      await sweeper.stop();
      await sequencing;
      await reclaimLeases(handle.db, { now: now(), deadOwners: [instanceId] }).catch(() => 0);
      await unregisterInstance(handle.db, instanceId).catch(() => undefined);
      await handle.close();
    })());

  /** A listener that cannot open stops the whole platform, releasing what already started. */
  const closeAndThrow = async (err: unknown): Promise<never> => {
    await close();
    throw err;
  };

  const longestSp = Math.max(0, ...config.gateways.map((g) => g.spNumber.length));
  if (config.interface.enabled) {
    interfaceApp = await buildInterface(
      {
        db: handle.db,
        credentials,
        admission,
        router,
        otp: config.otp.enabled ? otp : undefined,
        citizen: { tickets: citizens.tickets, ticketApps: config.citizen.ticketApps },
        survey: { surveys: citizens.surveys, surveyApps: config.citizen.surveyApps },
        logger: logger.child({ component: 'interface' }),
        settings: {
          maxMobiles: config.interface.maxMobiles,
          maxSegments: config.sending.maxSegments,
          maxScheduleDays: config.sending.maxScheduleDays,
          extRoom: Math.max(0, 21 - longestSp),
        },
        now,
      },
      {
        bodyLimit: config.interface.bodyLimit,
        trustProxy: config.interface.trustProxy,
        tls: config.interface.tls,
      },
    );
    interfaceUrl = await listenAt(interfaceApp, {
      name: 'interface',
      ...config.interface,
      tls: config.interface.tls !== undefined,
      hint: '可用 SMS12333_INTERFACE_PORT 换一个端口 (choose another port with SMS12333_INTERFACE_PORT)',
    }).catch(closeAndThrow);
  }

  if (config.metrics.enabled) {
    const registry = createMetrics({ handle, gateways, dispatcher, writer });
    metricsApp = Fastify({ logger: false });
    metricsApp.get('/metrics', async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
    const base = await listenAt(metricsApp, {
      name: 'metrics',
      ...config.metrics,
      tls: false,
      hint: '可用 SMS12333_METRICS_PORT 换端口或 SMS12333_METRICS_ENABLED=false 关闭',
    }).catch(closeAndThrow);
    metricsUrl = `${base}/metrics`;
  }

  if (config.console.enabled) {
    consoleApp = buildConsole(
      {
        handle,
        cipher: citizens.cipher,
        settings: config.console,
        auditKey: loadAuditKey(config),
        services: {
          config,
          ids,
          admission,
          router,
          citizens,
          wakeDispatcher: () => dispatcher.wake(),
          sensitiveWords,
          handsets: options.handsets ?? [],
        },
        logger: logger.child({ component: 'console' }),
        now,
      },
      { secureCookie: config.console.secureCookie, tls: config.console.tls },
    );
    consoleUrl = await listenAt(consoleApp, {
      name: 'console',
      ...config.console,
      tls: config.console.tls !== undefined,
      hint: '可用 SMS12333_CONSOLE_PORT 换端口或 SMS12333_CONSOLE_ENABLED=false 关闭',
    }).catch(closeAndThrow);
  }

  return {
    config,
    handle,
    ids,
    router,
    admission,
    sensitiveWords,
    dispatcher,
    writer,
    sweeper,
    credentials,
    citizens,
    instanceId,
    interfaceApp,
    interfaceUrl,
    metricsUrl,
    consoleUrl,
    consoleApp,
    close,
  };
}
