/** Set-up for the simulated SMG's tests: the simulator, an SP client on it, SUBMIT bodies. */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/shared/log.js';
import {
  startSgipSimulator,
  type SgipPduOf,
  type SgipSimulatorTuning,
} from '../../../src/protocols/sgip/index.js';
import type {
  ProtocolServer,
  ProtocolServerOptions,
} from '../../../src/protocols/simulator/protocol-server.js';
import { SMG_LOGIN, SMG_PASSWORD, SP_ACCOUNT, SP_SECRET } from './gateway-helpers.js';
import { openRawClient, type RawLink } from './raw-peers.js';

export async function startSim(
  t: TestContext,
  options: Partial<ProtocolServerOptions> & { peerPort?: number } = {},
  tuning: Partial<SgipSimulatorTuning> = {},
): Promise<ProtocolServer> {
  const { peerPort, ...rest } = options;
  const sim = await startSgipSimulator(
    {
      host: '127.0.0.1',
      port: 0,
      account: SP_ACCOUNT,
      secret: SP_SECRET,
      dlrDelayMs: 5,
      failRate: 0,
      seed: 7,
      gatewayCode: 3,
      logger: silentLogger(),
      peer:
        peerPort === undefined
          ? null
          : { host: '127.0.0.1', port: peerPort, account: SMG_LOGIN, secret: SMG_PASSWORD },
      ...rest,
    },
    { idleCloseMs: 100, reconnectMinMs: 10, reconnectMaxMs: 40, ...tuning },
  );
  t.after(() => sim.close());
  return sim;
}

/** An SP bound to the simulator with Login Type 1. */
export async function boundSp(t: TestContext, sim: ProtocolServer): Promise<RawLink> {
  const sp = await openRawClient(sim.port);
  t.after(() => sp.close());
  assert.equal((await sp.bind(1, SP_ACCOUNT, SP_SECRET)).result, 0);
  return sp;
}

export type SubmitFields = Partial<Omit<SgipPduOf<'SGIP_SUBMIT'>, 'command'>>;

export function submitPdu(sp: RawLink, fields: SubmitFields = {}): SgipPduOf<'SGIP_SUBMIT'> {
  return {
    command: 'SGIP_SUBMIT',
    ...sp.seq(),
    spNumber: '106550123330001',
    chargeNumber: '000000000000000000000',
    userNumber: ['8613012345678'],
    corpId: '12333',
    serviceType: 'HRSS12333',
    feeType: 1,
    feeValue: '0',
    givenValue: '0',
    agentFlag: 0,
    morelatetoMtFlag: 2,
    priority: 0,
    expireTime: '',
    scheduleTime: '',
    reportFlag: 1,
    tpPid: 0,
    tpUdhi: 0,
    messageCoding: 8,
    messageType: 0,
    messageContent: Buffer.from('60a8597d', 'hex'), // 您好
    ...fields,
  };
}

export const submit = (sp: RawLink, fields: SubmitFields = {}): Promise<SgipPduOf<'SGIP_SUBMIT_RESP'>> =>
  sp.request(submitPdu(sp, fields), 'SGIP_SUBMIT_RESP');
