/** Shared set-up for the SMPP gateway tests: config, parts, a gateway with recorded handler calls. */
import { segmentText, type TextProfile } from '../../../src/domain/text/index.js';
import { silentLogger } from '../../../src/shared/log.js';
import type { Gateway, GatewayConfig, SmppOptions, SubmitPart } from '../../../src/protocols/gateway.js';
import {
  createSmppGateway,
  type SmppGatewayDeps,
  type SmppPduOf,
} from '../../../src/protocols/smpp/index.js';
import { Recorder } from '../cmpp/client-helpers.js';
import type { FakeSmsc } from './fake-smsc.js';

export { noHandlesLeft, Recorder } from '../cmpp/client-helpers.js';

export function gatewayConfig(
  port: number,
  overrides: Partial<GatewayConfig> = {},
  smpp?: Partial<SmppOptions>,
): GatewayConfig {
  const config: GatewayConfig = {
    id: 'gw-smpp',
    protocol: 'smpp',
    host: '127.0.0.1',
    port,
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
  if (smpp) {
    config.smpp = {
      systemType: '',
      bindMode: 'transceiver',
      sourceTon: 0,
      sourceNpi: 0,
      destTon: 1,
      destNpi: 1,
      longMessage: 'udh',
      ...smpp,
    };
  }
  return config;
}

/** The parts of a text cut for an SMPP route (the `gsm` profile, as the dispatcher does). */
export function partsOf(
  text: string,
  mobile = '13800138000',
  reference = 7,
  messageId = 1,
  profile: TextProfile = 'gsm',
): SubmitPart[] {
  return segmentText(text, profile, reference).map((segment) => ({
    messageId,
    mobile,
    srcId: '1065712333',
    segment,
    wantReport: true,
  }));
}

export function startGateway(
  config: GatewayConfig,
  deps: Partial<SmppGatewayDeps> = {},
): { gateway: Gateway; recorder: Recorder } {
  const gateway = createSmppGateway(config, { logger: silentLogger(), random: () => 0.5, ...deps });
  const recorder = new Recorder();
  gateway.start(recorder.handlers());
  return { gateway, recorder };
}

/** Resolves when the gateway reports `count` bound connections (through its state handler). */
export function bound(gateway: Gateway, recorder: Recorder, count = 1): Promise<void> {
  return recorder.signal.until(() => gateway.status().bound >= count, `${count} bound connection(s)`);
}

/**
 * A barrier over one link: the fake sends enquire_link and waits for its answer. TCP keeps order,
 * so anything the gateway wrote before answering has arrived by then.
 */
export async function roundTrip(smsc: FakeSmsc, connIndex = smsc.connections.length - 1): Promise<void> {
  const conn = smsc.connections[connIndex];
  if (!conn) throw new Error('no connection');
  const sequenceNumber = conn.nextSeq();
  conn.send({ command: 'enquire_link', commandStatus: 0, sequenceNumber });
  await smsc.until(
    () => smsc.of('enquire_link_resp', conn).some((p) => p.sequenceNumber === sequenceNumber),
    'enquire_link_resp',
  );
}

/** A deliver_sm as an SMSC writes it; fields override the defaults. */
export function deliverSm(
  fields: Partial<Omit<SmppPduOf<'deliver_sm'>, 'command'>>,
): SmppPduOf<'deliver_sm'> {
  return {
    command: 'deliver_sm',
    commandStatus: 0,
    sequenceNumber: 501,
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '8613800138000',
    destAddrTon: 0,
    destAddrNpi: 0,
    destinationAddr: '1065712333',
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.alloc(0),
    ...fields,
  };
}
