/**
 * What a protocol's carrier server gives the simulator shell (index.ts): its port, the core it
 * feeds (without the protocol's id type), uplink injection and close.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import type { SimulatorCore } from './core.js';
import type { Handsets } from './handsets.js';
import type { MoRequest, ServerAuthenticatorStyle, SimulatorConfig, SimulatorStats } from './types.js';

export interface ProtocolServerOptions {
  host: string;
  port: number;
  account: string;
  secret: string;
  dlrDelayMs: number;
  failRate: number;
  seed: number;
  gatewayCode: number;
  logger: Logger;
  /** CMPP and SMGP: how the login answer proves the secret (types.ts `SimulatorOptions`). */
  serverAuthenticator?: ServerAuthenticatorStyle | undefined;
  /**
   * SGIP only: where the platform (SP) listens for the SMG, and the credentials the SMG binds with
   * there (login type 2), to deliver uplinks and reports.
   */
  peer: { host: string; port: number; account: string; secret: string } | null;
}

/** The parts of `SimulatorCore` that do not depend on the protocol's carrier id type. */
export interface CoreControl {
  readonly config: SimulatorConfig;
  readonly handsets: Handsets;
  configure(patch: Partial<SimulatorConfig>): SimulatorConfig;
  stats(): SimulatorStats;
  reset(): void;
}

export interface ProtocolServer {
  readonly port: number;
  readonly core: CoreControl;
  /** Validates the numbers for the protocol's fields and queues the segments. */
  injectMo(mo: MoRequest): { segments: number };
  /** Stops listening, says goodbye to every connection, stops the report timer. */
  close(): Promise<void>;
}

/** One client connection as the server keeps it (`sim-link.ts`, SGIP's `simulator-connection.ts`). */
export interface ServedLink {
  readonly closed: Promise<void>;
  /** Says goodbye to a bound client and closes, within a bounded wait. */
  shutdown(): Promise<void>;
}

export interface ServeOptions<Id> {
  host: string;
  port: number;
  logger: Logger;
  core: SimulatorCore<Id>;
  /** A link for each accepted socket; ids count from 1 (SGIP's own peer link is 0). */
  link(id: number, socket: Socket): ServedLink;
  /** The widest sender and destination numbers an uplink may carry in the protocol's fields. */
  moWidths: { from: number; to: number };
  /** Queues an uplink once its numbers are checked; default: the core cuts it for the Chinese links. */
  queueMo?(mo: MoRequest): { segments: number };
  /** Closed with the server (SGIP's peer link). */
  alsoClose?(): Promise<void>;
}

/**
 * The listening half every simulated carrier shares: accepts clients, checks injected uplinks, and
 * on close stops the core, says goodbye to every link and stops listening.
 */
export async function serveProtocol<Id>(o: ServeOptions<Id>): Promise<ProtocolServer> {
  const { core, logger } = o;
  const links = new Set<ServedLink>();
  let nextLink = 1;
  const server = createServer((socket) => {
    const link = o.link(nextLink++, socket);
    links.add(link);
    void link.closed.then(() => links.delete(link));
  });
  server.on('error', (err) => logger.error({ err }, '模拟网关监听错误 simulator listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    core,
    injectMo(mo: MoRequest): { segments: number } {
      checkMoNumber('from', mo.from, o.moWidths.from);
      checkMoNumber('to', mo.to, o.moWidths.to);
      if (typeof mo.text !== 'string')
        throw new AppError('ERR_SIMULATOR_MO_INVALID', 'text 应为字符串 (a string)');
      return o.queueMo ? o.queueMo(mo) : core.queueMo(mo);
    },
    async close(): Promise<void> {
      core.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...[...links].map((l) => l.shutdown()), o.alsoClose?.()]);
      await stopped;
    },
  };
}

/** Numbers an uplink puts into fixed-width fields: digits (a leading + allowed), within the width. */
function checkMoNumber(name: string, value: string, width: number): void {
  if (!/^\+?\d+$/.test(value) || value.length > width)
    throw new AppError(
      'ERR_SIMULATOR_MO_INVALID',
      `${name} 应为最多 ${width} 位的号码 (a number of at most ${width} digits): ${JSON.stringify(value)}`,
    );
}
