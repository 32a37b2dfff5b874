/** Shared set-up for the SMGP client tests: config, a gateway with recorded handler calls, barriers. */
import { silentLogger } from '../../../src/shared/log.js';
import type { Gateway, GatewayConfig } from '../../../src/protocols/gateway.js';
import type { ManualClock } from '../../../src/protocols/session/clock.js';
import { createSmgpGateway, type SmgpGatewayDeps } from '../../../src/protocols/smgp/index.js';
import { Recorder } from '../cmpp/client-helpers.js';
import type { FakeSmgw } from './fake-smgw.js';

export { bound, noHandlesLeft, partsOf, Recorder } from '../cmpp/client-helpers.js';

export function gatewayConfig(port: number, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    id: 'gw-smgp',
    protocol: 'smgp',
    host: '127.0.0.1',
    port,
    account: '10612333',
    secret: 'secret',
    spNumber: '1065912333',
    serviceId: 'HRSS12333',
    carriers: ['ctcc'],
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

export function startGateway(
  config: GatewayConfig,
  deps: Partial<SmgpGatewayDeps> = {},
): { gateway: Gateway; recorder: Recorder } {
  const gateway = createSmgpGateway(config, { logger: silentLogger(), random: () => 0.5, ...deps });
  const recorder = new Recorder();
  gateway.start(recorder.handlers());
  return { gateway, recorder };
}

/**
 * A barrier over one link: the fake sends Active_Test and waits for its answer. TCP keeps order, so
 * anything the client wrote before answering has arrived by then.
 */
export async function roundTrip(smgw: FakeSmgw, connIndex = smgw.connections.length - 1): Promise<void> {
  const conn = smgw.connections[connIndex];
  if (!conn) throw new Error('no connection');
  const sequenceId = conn.nextSeq();
  conn.send({ command: 'SMGP_ACTIVE_TEST', sequenceId });
  await smgw.until(
    () => smgw.of('SMGP_ACTIVE_TEST_RESP', conn).some((p) => p.sequenceId === sequenceId),
    'Active_Test_Resp',
  );
}

/** With a manual clock a failed test must still end: time is pushed past every bound close() waits on. */
export async function closeWith(gateway: Gateway, clock: ManualClock): Promise<void> {
  const state = { done: false };
  const closing = gateway.close().then(() => (state.done = true));
  for (let turn = 0; turn < 100 && !state.done; turn++) {
    clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await closing;
}
