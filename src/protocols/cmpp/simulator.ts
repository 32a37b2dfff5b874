/**
 * The simulated China Mobile ISMG (CMPP 2.0 / 3.0 server side, docs/protocols.md §1): accepts exactly the
 * configured account, answers submits with Msg_Ids laid out per §1.6, delivers the reassembled
 * messages to the simulator's handsets, and sends status reports and uplink messages back as
 * CMPP_DELIVER. Protocol-independent behaviour lives in src/protocols/simulator.
 */
import { toBeijing } from '../../domain/beijing-time.js';
import { SimulatorCore, type IdStamp } from '../simulator/core.js';
import {
  serveProtocol,
  type ProtocolServer,
  type ProtocolServerOptions,
} from '../simulator/protocol-server.js';
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

export async function startCmppSimulator(
  version: CmppVersion,
  options: ProtocolServerOptions,
): Promise<ProtocolServer> {
  const logger = options.logger.child({ protocol: version });
  const core = new SimulatorCore<bigint>({ ...options, logger, composeId: cmppMsgIdOf(options.gatewayCode) });
  return serveProtocol({
    host: options.host,
    port: options.port,
    logger,
    core,
    link: (id, socket) => new CmppSimConnection(id, socket, { server: version, core, logger }),
    moWidths: { from: MO_FIELD_WIDTH.srcTerminalId[version], to: MO_FIELD_WIDTH.destId },
  });
}
