/**
 * The simulated China Unicom SMG (SGIP 1.2; docs/protocols.md §2): it accepts SP binds (Login Type 1) with
 * exactly the configured account, answers SUBMITs and delivers their segments to the simulator's
 * handsets (long messages reassembled), and — SGIP being bidirectional at the TCP level — sends
 * status reports (REPORT) and uplinks (DELIVER) over its own connection to the SP's listener
 * (`options.peer`, Login Type 2; simulator-peer.ts). Protocol-independent behaviour lives in
 * src/protocols/simulator.
 */
import { createServer, type AddressInfo } from 'node:net';
import { AppError } from '../../shared/errors.js';
import { SimulatorCore } from '../simulator/core.js';
import type { ProtocolServer, ProtocolServerOptions } from '../simulator/protocol-server.js';
import type { MoRequest } from '../simulator/types.js';
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

/** Numbers an uplink puts into fixed-width fields: digits (a leading + allowed), within the width. */
function checkNumber(name: string, value: string, width: number): void {
  if (!/^\+?\d+$/.test(value) || value.length > width)
    throw new AppError(
      'ERR_SIMULATOR_MO_INVALID',
      `${name} 应为最多 ${width} 位的号码 (a number of at most ${width} digits): ${JSON.stringify(value)}`,
    );
}

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
  const connections = new Set<SgipSimConnection>();
  // Link 0 is the peer link; SP connections count from 1 so that closing one never unbinds it.
  let nextLink = 1;

  const server = createServer((socket) => {
    const connection = new SgipSimConnection(nextLink++, socket, {
      core,
      logger,
      reportFilter,
      idleMs: timings.spIdleMs,
    });
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
      checkNumber('from', mo.from, MO_FIELD_WIDTH.userNumber - 2);
      checkNumber('to', mo.to, MO_FIELD_WIDTH.spNumber);
      if (typeof mo.text !== 'string')
        throw new AppError('ERR_SIMULATOR_MO_INVALID', 'text 应为字符串 (a string)');
      return core.queueMo(mo);
    },
    async close(): Promise<void> {
      core.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...[...connections].map((c) => c.shutdown()), peer?.shutdown()]);
      await stopped;
    },
  };
}
