/**
 * A whole platform on loopback for integration tests: real carrier simulators (CMPP 3.0 unless a
 * link says otherwise), the platform with its interface on an ephemeral port, and a business-system
 * account.
 */
import { validateConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { silentLogger, type Logger } from '../../src/shared/log.js';
import { startPlatform, type Platform, type PlatformOptions } from '../../src/app/platform.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/protocols/simulator/index.js';
import { createTestDatabase, type DialectName } from './databases.js';
import { createTestApp, TEST_PASSWORD } from './apps.js';

export interface TestPlatform {
  platform: Platform;
  /** The first link's simulator. */
  sim: Simulator;
  /** Every link's simulator, by gateway id. */
  sims: Map<string, Simulator>;
  appName: string;
  password: string;
  url: string;
  post(
    path: string,
    body: Record<string, unknown>,
    options?: { remoteAddress?: string },
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  config?: Partial<ConfigInput>;
  gateway?: Record<string, unknown>;
  simulator?: Partial<SimulatorOptions>;
  app?: Parameters<typeof createTestApp>[2];
  /** More links beside the first (cmcc-1), each with its own simulator. */
  links?: { id: string; gateway?: Record<string, unknown>; simulator?: Partial<SimulatorOptions> }[];
  /** The platform's clock (default Date.now). */
  now?: () => number;
  /** The platform's logger (default silent), e.g. to capture what it logs. */
  logger?: Logger;
  /** Offer the simulators with a control port to the console's handset page, as the demo does. */
  handsets?: boolean;
  /** Builds the gateways (default the real ones), e.g. to wrap one. */
  gatewayFactory?: PlatformOptions['gatewayFactory'];
  /** Serve from this database (kept afterwards) instead of a fresh scratch one, e.g. a restored backup. */
  databaseUrl?: string;
}

/** Base64 of 32 bytes, for the personal-data cipher of test platforms. */
export const TEST_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

const baseGateway = {
  host: '127.0.0.1',
  account: '901234',
  secret: 'sim-secret',
  spNumber: '1065712333',
  serviceId: 'HRSS',
  connections: 2,
  window: 16,
  tps: 5000,
  requestTimeoutMs: 2000,
  keepaliveMs: 30_000,
  reconnectMinMs: 50,
  reconnectMaxMs: 500,
};

export async function startTestPlatform(
  dialect: DialectName,
  options: TestPlatformOptions = {},
): Promise<TestPlatform> {
  const target = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await createTestDatabase(dialect);
  const links = [
    { id: 'cmcc-1', gateway: options.gateway, simulator: options.simulator },
    ...(options.links ?? []),
  ];
  const sims = new Map<string, Simulator>();
  const gateways: Record<string, unknown>[] = [];
  try {
    for (const link of links) {
      const sim = await startSimulator({
        protocol: 'cmpp3',
        port: 0,
        controlPort: null,
        account: '901234',
        secret: 'sim-secret',
        dlrDelayMs: 10,
        ...link.simulator,
      });
      sims.set(link.id, sim);
      gateways.push({
        ...baseGateway,
        id: link.id,
        protocol: link.simulator?.protocol ?? 'cmpp3',
        port: sim.port,
        carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
        ...link.gateway,
      });
    }
  } catch (err) {
    for (const sim of sims.values()) await sim.close();
    await target.drop();
    throw err;
  }
  const closeSims = async (): Promise<void> => {
    for (const sim of sims.values()) await sim.close();
  };
  const config = validateConfig({
    database: { url: target.url, sqliteSynchronous: 'NORMAL' },
    interface: { host: '127.0.0.1', port: 0 },
    console: { enabled: false },
    metrics: { host: '127.0.0.1', port: 0 },
    gateways,
    dispatcher: { pollMs: 20, sweepMs: 100 },
    log: { level: 'silent' },
    // A fixed key: no key file is written beside a PostgreSQL test database (./data).
    security: { dataKey: TEST_DATA_KEY },
    citizen: { pollMs: 50 },
    ...options.config,
  });
  let platform: Platform;
  try {
    platform = await startPlatform({
      config,
      logger: options.logger ?? silentLogger(),
      ...(options.now && { now: options.now }),
      ...(options.gatewayFactory && { gatewayFactory: options.gatewayFactory }),
      ...(options.handsets === true && {
        handsets: [...sims.entries()]
          .filter(([, sim]) => sim.controlPort !== null)
          .map(([id, sim]) => ({
            carrier: id,
            name: id,
            controlUrl: `http://127.0.0.1:${sim.controlPort ?? 0}`,
          })),
      }),
    });
  } catch (err) {
    await closeSims();
    await target.drop();
    throw err;
  }
  await createTestApp(platform.handle.db, 'hrss', { balance: 10_000, ...options.app });
  const app = platform.interfaceApp;
  if (!app || !platform.interfaceUrl) throw new Error('interface not started');
  const first = sims.get('cmcc-1');
  if (!first) throw new Error('no first link');
  return {
    platform,
    sim: first,
    sims,
    appName: 'hrss',
    password: TEST_PASSWORD,
    url: platform.interfaceUrl,
    async post(path, body, opts = {}) {
      const res = await app.inject({
        method: 'POST',
        url: path,
        payload: body,
        remoteAddress: opts.remoteAddress ?? '127.0.0.1',
      });
      return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
    },
    async close() {
      await platform.close();
      await closeSims();
      await target.drop();
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
