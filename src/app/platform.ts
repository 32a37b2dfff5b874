/**
 * The composition root: one platform process built from its config — the database, the gateways,
 * the pipeline (admission, dispatcher, the correlator's writer, the sweeper), the citizens' services,
 * then the listeners — started in dependency order and stopped in reverse, so that nothing claimed,
 * answered or received is dropped on the way out. Nothing below `src/app/` builds a server.
 */
import type { SftpService } from '../sftp/index.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createCitizens, type Citizens } from '../citizen/index.js';
import type { Config } from '../config/schema.js';
import type { DemoHandsetLink } from '../console/context.js';
import type { Credentials } from '../interface/credentials.js';
import { Admission, sendingRulesFrom } from '../pipeline/admission.js';
import { CallbackDeliverer } from '../pipeline/callbacks.js';
import { Dispatcher } from '../pipeline/dispatcher.js';
import { FeedSequencer } from '../pipeline/feed-sequencer.js';
import { GatewayControl } from '../pipeline/gateway-control.js';
import { gatewayStarter } from '../pipeline/gateway-events.js';
import { OtpService, otpSecretsFrom } from '../pipeline/otp.js';
import { phoneDataFor, type PhoneDataSource } from '../pipeline/phone-data.js';
import { Router } from '../pipeline/router.js';
import { SensitiveWordList } from '../pipeline/sensitive-words.js';
import { Sweeper } from '../pipeline/sweeper.js';
import { startDataCare } from './data-care.js';
import { EventWriter } from '../pipeline/writer.js';
import type { Gateway, GatewayConfig } from '../protocols/gateway.js';
import type { FeedCursors } from '../protocols/ministry/client.js';
import { createGateway } from '../protocols/registry.js';
import { loadFeedCursor, saveFeedCursor } from '../store/federation.js';
import type { DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { unregisterInstance } from '../store/instances.js';
import { reclaimLeases } from '../store/sweeps.js';
import { joinDatabase } from './database.js';
import { openListeners } from './listeners.js';

export interface PlatformOptions {
  config: Config;
  logger: Logger;
  /** Builds gateways; tests may wrap the real ones. */
  gatewayFactory?: (config: GatewayConfig, deps: { logger: Logger; cursors?: FeedCursors }) => Gateway;
  now?: () => number;
  /** Demo: the in-process simulators the console's handset page talks to. */
  handsets?: readonly DemoHandsetLink[];
}

export interface Platform {
  readonly config: Config;
  readonly handle: DatabaseHandle;
  readonly ids: IdAllocator;
  readonly router: Router;
  /** The segment data in use, when the platform routes by home province (docs/federation.md). */
  readonly phoneData: PhoneDataSource | null;
  /** The gateways in service; paused, retuned, added or removed while running. */
  readonly gateways: GatewayControl;
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
  /** The SFTP batch interface (docs/sftp.md), when `sftp.enabled`. */
  readonly sftp: SftpService | null;
  close(): Promise<void>;
}

/** How soon an instance follows gateway changes made through another instance's console. */
const GATEWAY_SYNC_MS = 5000;

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const { handle, instanceId, host } = await joinDatabase(config, now());
  const ids = new IdAllocator(handle.db);

  // Segment data is read when something routes by it: a ministry link, or a file the operator named.
  const phoneData = phoneDataFor(config, logger);
  phoneData?.watch();
  // Filled by the gateway control once the writer that takes their reports exists.
  const router = new Router(
    [],
    now,
    phoneData && {
      province: config.platform.province,
      unknownHome: config.federation.unknownHome,
      homeOf: (mobile) => phoneData.lookup(mobile)?.province ?? null,
    },
  );
  const settings = {
    reportDeadlineMs: config.sending.reportDeadlineSeconds * 1000,
    validityMs: config.sending.validitySeconds * 1000,
    maxAttempts: config.sending.maxAttempts,
    retryMinMs: config.sending.retryMinMs,
    retryMaxMs: config.sending.retryMaxMs,
  };
  const sequencer = new FeedSequencer(handle, logger);

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
    { now, onFinished: () => sequencer.poke() },
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
      leaseMs: config.dispatcher.leaseSeconds * 1000,
      orphanTtlMs: settings.reportDeadlineMs + 24 * 3600 * 1000,
      reassemblyMs: config.uplink.reassemblySeconds * 1000,
      protectUplink: citizens.protectUplink,
    },
    logger.child({ component: 'sweeper' }),
    now,
    () => dispatcher.wake(),
  );

  // A ministry link keeps its place in the ministry's report and reply feeds here.
  const feedCursors: FeedCursors = {
    load: (gatewayId, feed) => loadFeedCursor(handle.db, gatewayId, feed),
    save: (gatewayId, feed, cursor) => saveFeedCursor(handle.db, gatewayId, feed, cursor, now()),
  };
  const gateways = new GatewayControl({
    handle,
    router,
    configured: config.gateways,
    factory: (gatewayConfig, deps) =>
      (options.gatewayFactory ?? createGateway)(gatewayConfig, { ...deps, cursors: feedCursors }),
    start: gatewayStarter({
      db: handle.db,
      writer,
      surveyExtPrefix: config.citizen.surveyExtPrefix,
      logger,
      now,
      uplinkForCitizens: () => citizens.service.wake(),
      linkUp: () => dispatcher.wake(),
    }),
    seal: (plain) => citizens.cipher.encrypt(plain),
    open: (sealed) => citizens.cipher.decrypt(sealed),
    logger,
    now,
    pollMs: GATEWAY_SYNC_MS,
  });
  try {
    await gateways.start();
  } catch (err) {
    await gateways.close();
    await citizens.close();
    await writer.close();
    await unregisterInstance(handle.db, instanceId).catch(() => undefined);
    await handle.close();
    throw err;
  }

  for (const notice of [...handle.notices, ...citizens.notices])
    logger.warn({ notice }, '文件权限 file permissions');
  // Leases of a previous process on this database that died are handed back at once.
  await sweeper.runOnce();
  if (config.dispatcher.enabled) dispatcher.start();
  sweeper.start();
  citizens.start();
  const callbacks = new CallbackDeliverer({
    handle,
    ids,
    owner: instanceId,
    settings: config.callbacks,
    open: (token) => citizens.cipher.decrypt(token),
    logger: logger.child({ component: 'callbacks' }),
    now,
  });
  if (config.callbacks.enabled) callbacks.start();
  const dataCare = startDataCare({ config, handle, logger, now });

  const stopCore = async (): Promise<void> => {
    await dataCare.stop();
    await callbacks.stop();
    await admission.close();
    await citizens.close();
    await dispatcher.stop();
    await gateways.close();
    await writer.close();
    await sweeper.stop();
    await sequencer.settled();
    await reclaimLeases(handle.db, handle.caps, { now: now(), deadOwners: [instanceId] }).catch(() => 0);
    await unregisterInstance(handle.db, instanceId).catch(() => undefined);
    phoneData?.close();
    await handle.close();
  };

  const listeners = await openListeners({
    config,
    handle,
    ids,
    gateways,
    router,
    phoneData,
    admission,
    sensitiveWords,
    otp,
    dispatcher,
    writer,
    citizens,
    logger,
    now,
    handsets: options.handsets ?? [],
  }).catch(async (err: unknown) => {
    await stopCore();
    throw err;
  });

  let closing: Promise<void> | null = null;
  return {
    config,
    handle,
    ids,
    router,
    phoneData,
    gateways,
    admission,
    sensitiveWords,
    dispatcher,
    writer,
    sweeper,
    credentials: listeners.credentials,
    citizens,
    instanceId,
    interfaceApp: listeners.interfaceApp,
    interfaceUrl: listeners.interfaceUrl,
    metricsUrl: listeners.metricsUrl,
    consoleUrl: listeners.consoleUrl,
    consoleApp: listeners.consoleApp,
    sftp: listeners.sftp,
    close: () =>
      (closing ??= (async () => {
        await listeners.close();
        await stopCore();
      })()),
  };
}
