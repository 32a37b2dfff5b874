/**
 * The carrier simulator's public contract (docs/design.md §4.1 `sms12333 simulator`, §4.5 control API).
 * Protocol-agnostic: each protocol's ISMG/SMSC server plugs into the same core.
 */
import type { Logger } from '../../shared/log.js';

export const SIMULATOR_PROTOCOLS = ['cmpp3', 'cmpp2', 'sgip', 'smgp', 'smpp'] as const;
export type SimulatorProtocol = (typeof SIMULATOR_PROTOCOLS)[number];

export const SERVER_AUTHENTICATOR_STYLES = ['spec', 'status-only', 'fixed', 'one-octet-status'] as const;
export type ServerAuthenticatorStyle = (typeof SERVER_AUTHENTICATOR_STYLES)[number];

export interface SimulatorOptions {
  protocol: SimulatorProtocol;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral. */
  port: number;
  /** 0 = ephemeral, null or absent = no control HTTP. */
  controlPort?: number | null;
  /** Default: `host`. */
  controlHost?: string;
  /** The only credentials the simulator accepts. */
  account: string;
  secret: string;
  /** Delay between accepting a segment and sending its report; default 200. */
  dlrDelayMs?: number;
  /** 0..1 share of messages reported failed (UNDELIV); default 0. */
  failRate?: number;
  /** Seed of the failure choice, for deterministic runs. */
  seed?: number;
  /** ISMG code written into the carrier message ids (CMPP Msg_Id bits 38–17); default 1. */
  gatewayCode?: number;
  logger?: Logger;
  /**
   * CMPP and SMGP: how the login answer's server authenticator is computed — `spec` (default), or
   * as some deployed gateways do it (docs/protocols.md §9 item 12): MD5 of the status alone, a
   * fixed string, or the status as one octet where the spec has four.
   */
  serverAuthenticator?: ServerAuthenticatorStyle;
  /** SGIP only: the platform's listener the SMG connects to, and the credentials it binds with. */
  peer?: { host: string; port: number; account: string; secret: string };
}

/** What can change while running (`configure`, `POST /sim/config`). */
export interface SimulatorConfig {
  dlrDelayMs: number;
  failRate: number;
  /** Result code answered to every submit; 0 = accept. Non-zero (e.g. 8 = flow control) records nothing. */
  submitResult: number;
  /** false = swallow submits without an answer, to exercise request timeouts. */
  answerSubmits: boolean;
  /** A connection not logged in this long after it opened is closed (default 10 s). */
  loginTimeoutMs: number;
}

/** One message as the handset shows it: long messages reassembled, UDH stripped. */
export interface InboxEntry {
  mobile: string;
  /** Sender number (CMPP Src_Id). */
  from: string;
  text: string;
  segments: number;
  /** When its last segment arrived, ISO 8601. */
  receivedAt: string;
  /** Carrier ids of its segments in segment order (CMPP Msg_Id as decimal text). */
  msgIds: string[];
}

export interface SimulatorStats {
  /** TCP connections open now. */
  connections: number;
  /** Successful logins (CMPP_CONNECT Status 0) since start or reset. */
  binds: number;
  authFailures: number;
  /** Submit PDUs received, whether accepted or not. */
  submits: number;
  /** Segments accepted, one per destination number. */
  segments: number;
  /** Messages complete in the inbox. */
  messages: number;
  /** Accepted segments identical (destination, sender, UDH + content) to one received before. */
  duplicates: number;
  /** Report PDUs written, resends included. */
  reportsSent: number;
  reportsAcked: number;
  /** Reports wanted and not yet acknowledged: waiting for their delay, for a link, or for an answer. */
  reportsPending: number;
  /** Messages whose fate is "delivered" / "failed" (chosen per message by failRate). */
  delivered: number;
  failed: number;
  /** Uplink (MO) PDUs written, resends included. */
  uplinksSent: number;
  uplinksAcked: number;
}

export interface MoRequest {
  from: string;
  to: string;
  text: string;
}

export interface Simulator {
  readonly port: number;
  readonly controlPort: number | null;
  /** Oldest first; every handset when `mobile` is absent. */
  inbox(mobile?: string): InboxEntry[];
  stats(): SimulatorStats;
  /** Queues a citizen's message to the platform; resolves once queued (not when acknowledged). */
  injectMo(mo: MoRequest): Promise<{ segments: number }>;
  configure(patch: Partial<SimulatorConfig>): void;
  /** Back to the state at start: inbox, counters, queued reports and uplinks, configuration. Links stay. */
  reset(): void;
  close(): Promise<void>;
}
