/**
 * A whole platform on loopback for integration tests: a real CMPP simulator, the platform with
 * its interface on an ephemeral port, and a business-system account.
 */
import { validateConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { startPlatform, type Platform } from '../../src/pipeline/platform.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/protocols/simulator/index.js';
import { createTestDatabase, type DialectName } from './databases.js';
import { createTestApp, TEST_PASSWORD } from './apps.js';

export interface TestPlatform {
  platform: Platform;
  sim: Simulator;
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
}

export async function startTestPlatform(
  dialect: DialectName,
  options: TestPlatformOptions = {},
): Promise<TestPlatform> {
  const target = await createTestDatabase(dialect);
  const sim = await startSimulator({
    protocol: 'cmpp3',
    port: 0,
    controlPort: null,
    account: '901234',
    secret: 'sim-secret',
    dlrDelayMs: 10,
    ...options.simulator,
  });
  const config = validateConfig({
    database: { url: target.url, sqliteSynchronous: 'NORMAL' },
    interface: { host: '127.0.0.1', port: 0 },
    console: { enabled: false },
    metrics: { host: '127.0.0.1', port: 0 },
    gateways: [
      {
        id: 'cmcc-1',
        protocol: 'cmpp3',
        host: '127.0.0.1',
        port: sim.port,
        account: '901234',
        secret: 'sim-secret',
        spNumber: '1065712333',
        serviceId: 'HRSS',
        carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
        connections: 2,
        window: 16,
        tps: 5000,
        requestTimeoutMs: 2000,
        keepaliveMs: 30_000,
        reconnectMinMs: 50,
        reconnectMaxMs: 500,
        ...options.gateway,
      },
    ],
    dispatcher: { pollMs: 20, sweepMs: 100 },
    log: { level: 'silent' },
    ...options.config,
  });
  let platform: Platform;
  try {
    platform = await startPlatform({ config, logger: silentLogger() });
  } catch (err) {
    await sim.close();
    await target.drop();
    throw err;
  }
  await createTestApp(platform.handle.db, 'hrss', { balance: 10_000, ...options.app });
  const app = platform.interfaceApp;
  if (!app || !platform.interfaceUrl) throw new Error('interface not started');
  return {
    platform,
    sim,
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
      await sim.close();
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
