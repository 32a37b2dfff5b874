/**
 * The simulated China Mobile ISMG (CMPP 2.0 / 3.0 server side, docs/protocols.md §1): accepts exactly the
 * configured account, answers submits with Msg_Ids laid out per §1.6, delivers the reassembled
 * messages to the simulator's handsets, and sends status reports and uplink messages back as
 * CMPP_DELIVER. Protocol-independent behaviour lives in src/protocols/simulator.
 */
import { createServer, type AddressInfo } from 'node:net';
import { toBeijing } from '../../domain/beijing-time.js';
import { AppError } from '../../shared/errors.js';
import { SimulatorCore, type IdStamp } from '../simulator/core.js';
import type { ProtocolServer, ProtocolServerOptions } from '../simulator/protocol-server.js';
import type { MoRequest } from '../simulator/types.js';
import type { CmppVersion } from './codec.js';
import { composeCmppMsgId } from './msg-id.js';
import { CmppSimConnection } from './simulator-connection.js';
import { MO_FIELD_WIDTH } from './simulator-pdus.js';

/** Msg_Id: Beijing month, day, hour, minute, second, the ISMG code and the sequence (docs/protocols.md §1.6). */
function cmppMsgIdOf(gatewayCode: number): (stamp: IdStamp) => bigint {
  return (stamp) => {
    const t = toBeijing(stamp.epochMs);
    return composeCmppMsgId({
      month: t.month,
      day: t.day,
      hour: t.hour,
      minute: t.minute,
      second: t.second,
      gatewayId: gatewayCode,
      sequence: stamp.sequence,
    });
  };
}

/** Numbers an uplink puts into fixed-width fields: digits (a leading + allowed), within the width. */
function checkNumber(name: string, value: string, width: number): void {
  if (!/^\+?\d+$/.test(value) || value.length > width)
    throw new AppError(
      'ERR_SIMULATOR_MO_INVALID',
      `${name} 应为最多 ${width} 位的号码 (a number of at most ${width} digits): ${JSON.stringify(value)}`,
    );
}

export async function startCmppSimulator(
  version: CmppVersion,
  options: ProtocolServerOptions,
): Promise<ProtocolServer> {
  const logger = options.logger.child({ protocol: version });
  const core = new SimulatorCore<bigint>({ ...options, logger, composeId: cmppMsgIdOf(options.gatewayCode) });
  const connections = new Set<CmppSimConnection>();
  let nextLink = 1;

  const server = createServer((socket) => {
    const connection = new CmppSimConnection(nextLink++, socket, { server: version, core, logger });
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });
  server.on('error', (err) => logger.error({ err }, '模拟网关监听错误 simulator listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    core,
    injectMo(mo: MoRequest): { segments: number } {
      checkNumber('from', mo.from, MO_FIELD_WIDTH.srcTerminalId[version]);
      checkNumber('to', mo.to, MO_FIELD_WIDTH.destId);
      if (typeof mo.text !== 'string')
        throw new AppError('ERR_SIMULATOR_MO_INVALID', 'text 应为字符串 (a string)');
      return core.queueMo(mo);
    },
    async close(): Promise<void> {
      core.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((c) => c.shutdown()));
      await stopped;
    },
  };
}
