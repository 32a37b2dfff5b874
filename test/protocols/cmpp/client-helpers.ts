/** Shared set-up for the CMPP client tests: config, parts, a gateway with recorded handler calls. */
import { segmentText } from '../../../src/domain/text/index.js';
import { silentLogger } from '../../../src/shared/log.js';
import { createCmppGateway, type CmppGatewayDeps } from '../../../src/protocols/cmpp/client.js';
import type { CmppVersion } from '../../../src/protocols/cmpp/index.js';
import type {
  DeliveryReport,
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayStatus,
  SubmitPart,
  UplinkMessage,
} from '../../../src/protocols/gateway.js';
import { Signal, type FakeIsmg } from './fake-ismg.js';

export function gatewayConfig(
  ismg: FakeIsmg,
  version: CmppVersion,
  overrides: Partial<GatewayConfig> = {},
): GatewayConfig {
  return {
    id: 'gw-test',
    protocol: version,
    host: '127.0.0.1',
    port: ismg.port,
    account: '901234',
    secret: 'secret',
    spNumber: '10657',
    serviceId: 'HRSS12333',
    carriers: ['cmcc'],
    connections: 1,
    window: 16,
    tps: 1000,
    requestTimeoutMs: 2000,
    keepaliveMs: 60_000,
    reconnectMinMs: 10,
    reconnectMaxMs: 40,
    weight: 1,
    ...overrides,
  };
}

export function partsOf(text: string, mobile = '13800138000', reference = 7): SubmitPart[] {
  return segmentText(text, 'cn', reference).map((segment) => ({
    messageId: 1,
    mobile,
    srcId: '1065712333',
    segment,
    wantReport: true,
  }));
}

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
  deps: Partial<CmppGatewayDeps> = {},
): { gateway: Gateway; recorder: Recorder } {
  const gateway = createCmppGateway(config, { logger: silentLogger(), random: () => 0.5, ...deps });
  const recorder = new Recorder();
  gateway.start(recorder.handlers());
  return { gateway, recorder };
}

/** Resolves when the gateway reports `count` bound connections (through its state handler). */
export function bound(gateway: Gateway, recorder: Recorder, count = 1): Promise<void> {
  return recorder.signal.until(() => gateway.status().bound >= count, `${count} bound connection(s)`);
}

/**
 * A barrier over one link: the fake sends ACTIVE_TEST and waits for its answer. TCP keeps order, so
 * anything the client wrote before answering has arrived by then.
 */
export async function roundTrip(ismg: FakeIsmg, connIndex = ismg.connections.length - 1): Promise<void> {
  const conn = ismg.connections[connIndex];
  if (!conn) throw new Error('no connection');
  const sequenceId = conn.nextSeq();
  conn.send({ command: 'CMPP_ACTIVE_TEST', sequenceId });
  await ismg.until(
    () => ismg.of('CMPP_ACTIVE_TEST_RESP', conn).some((p) => p.sequenceId === sequenceId),
    'ACTIVE_TEST_RESP',
  );
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
