/**
 * The simulated China Telecom SMGW (SMGP 3.0 server side, protocols docs/protocols.md §3): accepts exactly the
 * configured account, answers Submits with MsgIDs laid out per §6.2.26, delivers the reassembled
 * messages to the simulator's handsets, and sends status reports and uplink messages back as
 * Delivers. Protocol-independent behaviour lives in src/protocols/simulator.
 */
import { toBeijing } from '../../domain/beijing-time.js';
import { SimulatorCore, type IdStamp } from '../simulator/core.js';
import {
  serveProtocol,
  type ProtocolServer,
  type ProtocolServerOptions,
} from '../simulator/protocol-server.js';
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

export async function startSmgpSimulator(options: ProtocolServerOptions): Promise<ProtocolServer> {
  const logger = options.logger.child({ protocol: 'smgp' });
  const core = new SimulatorCore<Buffer>({ ...options, logger, composeId: smgpMsgIdOf(options.gatewayCode) });
  return serveProtocol({
    host: options.host,
    port: options.port,
    logger,
    core,
    link: (id, socket) => new SmgpSimConnection(id, socket, { core, logger }),
    moWidths: { from: MO_FIELD_WIDTH, to: MO_FIELD_WIDTH },
  });
}
