/**
 * The simulated China Unicom SMG (SGIP 1.2; docs/protocols.md §2): it accepts SP binds (Login Type 1) with
 * exactly the configured account, answers SUBMITs and delivers their segments to the simulator's
 * handsets (long messages reassembled), and — SGIP being bidirectional at the TCP level — sends
 * status reports (REPORT) and uplinks (DELIVER) over its own connection to the SP's listener
 * (`options.peer`, Login Type 2; simulator-peer.ts). Protocol-independent behaviour lives in
 * src/protocols/simulator.
 */
import { SimulatorCore } from '../simulator/core.js';
import {
  serveProtocol,
  type ProtocolServer,
  type ProtocolServerOptions,
} from '../simulator/protocol-server.js';
import type { SgipSequence } from './sequence.js';
import { SgipSimConnection } from './simulator-connection.js';
import { MO_FIELD_WIDTH, smgNodeId, smgSequenceOf } from './simulator-pdus.js';
import { ReportFilter, SgipPeerLink, type PeerTuning } from './simulator-peer.js';

/** Timings of the simulated SMG; the defaults follow SGIP 1.2 §3.1 where it names one. */
export interface SgipSimulatorTuning extends PeerTuning {
  /** An SP connection idle this long is dropped (§3.1: 60 s by default). */
  spIdleMs: number;
}

export const DEFAULT_SGIP_SIMULATOR_TUNING: SgipSimulatorTuning = {
  // Short connections (§3.1): the SMG unbinds from the SP soon after it has nothing left to send.
  idleCloseMs: 5_000,
  // §3.1: an answer must come within 30 s.
  responseTimeoutMs: 30_000,
  reconnectMinMs: 100,
  reconnectMaxMs: 10_000,
  spIdleMs: 60_000,
};

/**
 * Starts the SMG on options.host:port. Without `options.peer` it still takes submits; reports and
 * uplinks then wait (counted as pending) because there is nowhere to deliver them.
 */
export async function startSgipSimulator(
  options: ProtocolServerOptions,
  tuning: Partial<SgipSimulatorTuning> = {},
): Promise<ProtocolServer> {
  const timings = { ...DEFAULT_SGIP_SIMULATOR_TUNING, ...tuning };
  const logger = options.logger.child({ protocol: 'sgip' });
  const core = new SimulatorCore<SgipSequence>({
    ...options,
    logger,
    composeId: smgSequenceOf(smgNodeId(options.gatewayCode)),
  });
  const reportFilter = new ReportFilter();
  const peer = options.peer
    ? new SgipPeerLink({ peer: options.peer, core, logger, reportFilter, tuning: timings })
    : null;
  // One permanent outbound link: the peer link opens its socket when something is owed.
  if (peer) core.outbound.bind(peer);
  // Link 0 is the peer link; SP connections count from 1 so that closing one never unbinds it.
  return serveProtocol({
    host: options.host,
    port: options.port,
    logger,
    core,
    link: (id, socket) =>
      new SgipSimConnection(id, socket, { core, logger, reportFilter, idleMs: timings.spIdleMs }),
    moWidths: { from: MO_FIELD_WIDTH.userNumber - 2, to: MO_FIELD_WIDTH.spNumber },
    alsoClose: async () => {
      await peer?.shutdown();
    },
  });
}
