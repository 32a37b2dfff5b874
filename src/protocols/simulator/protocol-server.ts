/**
 * What a protocol's carrier server gives the simulator shell (index.ts): its port, the core it
 * feeds (without the protocol's id type), uplink injection and close.
 */
import type { Logger } from '../../shared/log.js';
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
