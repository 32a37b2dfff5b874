/**
 * `startSimulator`: a carrier's side of a link (docs/design.md §3: each protocol has a simulator used by the
 * tests and the demo) with its control HTTP (docs/design.md §4.5). The protocol server is chosen by
 * `options.protocol`; the core behind it (handsets, reports, uplinks, counters) is shared.
 */
import { randomInt } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/log.js';
import { startCmppSimulator } from '../cmpp/simulator.js';
import { startSgipSimulator } from '../sgip/simulator.js';
import { startSmgpSimulator } from '../smgp/simulator.js';
import { startSmppSimulator } from '../smpp/simulator.js';
import { startControlServer, type ControlServer, type ControlTarget } from './control.js';
import type { ProtocolServer, ProtocolServerOptions } from './protocol-server.js';
import type { InboxEntry, MoRequest, Simulator, SimulatorConfig, SimulatorOptions } from './types.js';

export type {
  InboxEntry,
  MoRequest,
  Simulator,
  SimulatorConfig,
  SimulatorOptions,
  SimulatorProtocol,
  SimulatorStats,
} from './types.js';
export { SIMULATOR_PROTOCOLS } from './types.js';
export {
  buildControlApp,
  DEFAULT_INBOX_LIMIT,
  registerControlRoutes,
  type ControlTarget,
} from './control.js';

/** The ISMG code field of a CMPP Msg_Id is 22 bits wide (protocols docs/protocols.md §1.6). */
const MAX_GATEWAY_CODE = 2 ** 22 - 1;

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AppError('ERR_SIMULATOR_CONFIG', `${name} 应为 0 到 65535 (0..65535): ${port}`);
}

function resolve(options: SimulatorOptions): ProtocolServerOptions {
  checkPort('port', options.port);
  if (options.account === '') throw new AppError('ERR_SIMULATOR_CONFIG', 'account 不能为空 (empty)');
  const gatewayCode = options.gatewayCode ?? 1;
  if (!Number.isInteger(gatewayCode) || gatewayCode < 0 || gatewayCode > MAX_GATEWAY_CODE)
    throw new AppError(
      'ERR_SIMULATOR_CONFIG',
      `gatewayCode 应为 0 到 ${MAX_GATEWAY_CODE} (0..${MAX_GATEWAY_CODE}): ${gatewayCode}`,
    );
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port,
    account: options.account,
    secret: options.secret,
    dlrDelayMs: options.dlrDelayMs ?? 200,
    failRate: options.failRate ?? 0,
    seed: options.seed ?? randomInt(2 ** 32),
    gatewayCode,
    logger: options.logger ?? silentLogger(),
    serverAuthenticator: options.serverAuthenticator ?? 'spec',
    peer: options.peer ?? null,
  };
}

async function startProtocol(
  options: SimulatorOptions,
  resolved: ProtocolServerOptions,
): Promise<ProtocolServer> {
  switch (options.protocol) {
    case 'cmpp3':
    case 'cmpp2':
      return startCmppSimulator(options.protocol, resolved);
    case 'sgip':
      return startSgipSimulator(resolved);
    case 'smgp':
      return startSmgpSimulator(resolved);
    case 'smpp':
      return startSmppSimulator(resolved);
  }
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const resolved = resolve(options);
  const controlPort = options.controlPort ?? null;
  if (controlPort !== null) checkPort('controlPort', controlPort);
  const server = await startProtocol(options, resolved);
  const { core } = server;
  let closed = false;

  const injectMo = (mo: MoRequest): Promise<{ segments: number }> => {
    if (closed) return Promise.reject(new AppError('ERR_SIMULATOR_CLOSED'));
    try {
      return Promise.resolve(server.injectMo(mo));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new AppError('ERR_SIMULATOR', String(err)));
    }
  };
  const target: ControlTarget = {
    inboxPage: (mobile, limit, offset) => ({
      messages: core.handsets.inbox(mobile, limit, offset),
      total: core.handsets.count(mobile),
    }),
    stats: () => core.stats(),
    injectMo,
    configure: (patch) => core.configure(patch),
    reset: () => core.reset(),
  };

  let control: ControlServer | null = null;
  if (controlPort !== null) {
    try {
      control = await startControlServer(target, {
        host: options.controlHost ?? resolved.host,
        port: controlPort,
        logger: resolved.logger,
      });
    } catch (err) {
      await server.close();
      throw err;
    }
  }

  return {
    port: server.port,
    controlPort: control?.port ?? null,
    inbox: (mobile?: string): InboxEntry[] => core.handsets.inbox(mobile),
    stats: () => core.stats(),
    injectMo,
    configure(patch: Partial<SimulatorConfig>): void {
      core.configure(patch);
    },
    reset: () => core.reset(),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await control?.close();
      await server.close();
    },
  };
}
