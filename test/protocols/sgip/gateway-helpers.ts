/** Shared set-up for the SGIP gateway tests: config, parts, a gateway with recorded handler calls. */
import { createServer } from 'node:net';
import { segmentText } from '../../../src/domain/text/index.js';
import { silentLogger } from '../../../src/shared/log.js';
import type {
  DeliveryReport,
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayStatus,
  SgipOptions,
  SubmitPart,
  UplinkMessage,
} from '../../../src/protocols/gateway.js';
import { createSgipGateway, type SgipGatewayDeps } from '../../../src/protocols/sgip/index.js';
import { Signal } from './raw-peers.js';

export const SP_ACCOUNT = 'sp12333';
export const SP_SECRET = 'sp-secret';
export const SMG_LOGIN = 'smg-login';
export const SMG_PASSWORD = 'smg-password';
/** 3AAAAQQQQQ: area 010, corp 12333 (§3.3). */
export const NODE_ID = 3010012333;

/** An ephemeral port for the gateway's listener, found before the simulator that must know it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

export function sgipConfig(
  smgPort: number,
  listenPort: number,
  overrides: Partial<GatewayConfig> = {},
  sgip: Partial<SgipOptions> = {},
): GatewayConfig {
  return {
    id: 'cucc-test',
    protocol: 'sgip',
    host: '127.0.0.1',
    port: smgPort,
    account: SP_ACCOUNT,
    secret: SP_SECRET,
    spNumber: '10655012333',
    serviceId: 'HRSS12333',
    carriers: ['cucc'],
    connections: 1,
    window: 16,
    tps: 1000,
    requestTimeoutMs: 2000,
    keepaliveMs: 60_000,
    reconnectMinMs: 10,
    reconnectMaxMs: 40,
    weight: 1,
    sgip: {
      nodeId: NODE_ID,
      corpId: '12333',
      listenHost: '127.0.0.1',
      listenPort,
      smgLogin: SMG_LOGIN,
      smgPassword: SMG_PASSWORD,
      reportFlag: 1,
      idleCloseMs: 60_000,
      ...sgip,
    },
    ...overrides,
  };
}

export function partsOf(text: string, mobile = '13012345678', reference = 7): SubmitPart[] {
  return segmentText(text, 'cn', reference).map((segment) => ({
    messageId: 1,
    mobile,
    srcId: '106550123330001',
    segment,
    wantReport: true,
  }));
}

export const manyParts = (n: number): SubmitPart[] =>
  Array.from({ length: n }, (_, i) => partsOf(`message ${i}`)[0]!);

/** What the gateway handed to its handlers; handlers answer with whatever `reply` says. */
export class Recorder {
  readonly reports: DeliveryReport[] = [];
  readonly uplinks: UplinkMessage[] = [];
  readonly states: GatewayStatus[] = [];
  readonly signal = new Signal();
  reply: () => Promise<void> = () => Promise.resolve();

  handlers(): GatewayHandlers {
    return {
      report: (r) => {
        this.reports.push(r);
        this.signal.notify();
        return this.reply();
      },
      uplink: (m) => {
        this.uplinks.push(m);
        this.signal.notify();
        return this.reply();
      },
      state: (s) => {
        this.states.push(s);
        this.signal.notify();
      },
    };
  }
}

export function startGateway(
  config: GatewayConfig,
  deps: Partial<SgipGatewayDeps> = {},
): { gateway: Gateway; recorder: Recorder } {
  const gateway = createSgipGateway(config, { logger: silentLogger(), random: () => 0.5, ...deps });
  const recorder = new Recorder();
  gateway.start(recorder.handlers());
  return { gateway, recorder };
}

/** Resolves when the gateway reports a bound connection (through its state handler). */
export function bound(gateway: Gateway, recorder: Recorder): Promise<void> {
  return recorder.signal.until(() => gateway.status().state === 'bound', 'a bound connection');
}

/** The test fails if sockets or timers stay open; waits event-loop turns, not wall time. */
export async function noHandlesLeft(): Promise<string[]> {
  const open = (): string[] =>
    process
      .getActiveResourcesInfo()
      .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout');
  for (let turn = 0; turn < 50 && open().length > 0; turn++) await new Promise((r) => setImmediate(r));
  return open();
}
