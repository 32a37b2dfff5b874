/**
 * The simulated China Telecom SMGW (SMGP 3.0 server side, protocols docs/protocols.md §3): accepts exactly the
 * configured account, answers Submits with MsgIDs laid out per §6.2.26, delivers the reassembled
 * messages to the simulator's handsets, and sends status reports and uplink messages back as
 * Delivers. Protocol-independent behaviour lives in src/protocols/simulator.
 */
import { createServer, type AddressInfo } from 'node:net';
import { toBeijing } from '../../domain/beijing-time.js';
import { AppError } from '../../shared/errors.js';
import { SimulatorCore, type IdStamp } from '../simulator/core.js';
import type { ProtocolServer, ProtocolServerOptions } from '../simulator/protocol-server.js';
import type { MoRequest } from '../simulator/types.js';
import { composeSmgpMsgId } from './msg-id.js';
import { SmgpSimConnection } from './simulator-connection.js';
import { MO_FIELD_WIDTH } from './simulator-pdus.js';

/** The MsgID sequence is 6 BCD digits (§6.2.26). */
const SEQUENCES = 1_000_000;
const MINUTE_MS = 60_000;

/**
 * MsgIDs (§6.2.26): the SMGW code, Beijing MMDDHHMM and a 6-digit sequence. The code is the
 * simulator's gateway code as 6 digits (its last six when longer). The time has minute precision,
 * so the sequence is our own counter over 10^6 values rather than the core's 16-bit one, and a
 * minute that has used them all borrows the next minute — no id repeats within a run.
 */
function smgpMsgIdOf(gatewayCode: number): (stamp: IdStamp) => Buffer {
  const smgwCode = String(gatewayCode % SEQUENCES).padStart(6, '0');
  let minute = Number.NEGATIVE_INFINITY;
  let inMinute = 0;
  let sequence = 0;
  return (stamp) => {
    const stampMinute = Math.floor(stamp.epochMs / MINUTE_MS);
    if (stampMinute > minute) {
      minute = stampMinute;
      inMinute = 0;
    } else if (inMinute >= SEQUENCES) {
      minute++;
      inMinute = 0;
    }
    inMinute++;
    const t = toBeijing(minute * MINUTE_MS);
    const id = composeSmgpMsgId({
      smgwCode,
      month: t.month,
      day: t.day,
      hour: t.hour,
      minute: t.minute,
      sequence,
    });
    sequence = (sequence + 1) % SEQUENCES;
    return id;
  };
}

/** Numbers an uplink puts into the 21-octet fields: digits (a leading + allowed), within the width. */
function checkNumber(name: string, value: string): void {
  if (!/^\+?\d+$/.test(value) || value.length > MO_FIELD_WIDTH)
    throw new AppError(
      'ERR_SIMULATOR_MO_INVALID',
      `${name} 应为最多 ${MO_FIELD_WIDTH} 位的号码 (a number of at most ${MO_FIELD_WIDTH} digits): ${JSON.stringify(value)}`,
    );
}

export async function startSmgpSimulator(options: ProtocolServerOptions): Promise<ProtocolServer> {
  const logger = options.logger.child({ protocol: 'smgp' });
  const core = new SimulatorCore<Buffer>({ ...options, logger, composeId: smgpMsgIdOf(options.gatewayCode) });
  const connections = new Set<SmgpSimConnection>();
  let nextLink = 1;

  const server = createServer((socket) => {
    const connection = new SmgpSimConnection(nextLink++, socket, { core, logger });
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
      checkNumber('from', mo.from);
      checkNumber('to', mo.to);
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
