/**
 * The one contract every carrier link implements (CMPP 2.0/3.0, SGIP, SMGP, SMPP, and the ministry
 * platform's interface for a province, src/protocols/ministry):
 * `submit(parts)` answers one outcome per part; reports and uplink messages are handed to the
 * handlers, and the link acknowledges them to the carrier only after the handler's promise settles,
 * so nothing the carrier delivered is lost if the process dies before it is stored.
 */
import type { Carrier } from '../domain/carrier.js';
import type { Segment, TextProfile } from '../domain/text/types.js';

export const PROTOCOLS = ['cmpp2', 'cmpp3', 'sgip', 'smgp', 'smpp', 'ministry'] as const;

export const SERVER_AUTHENTICATOR_CHECKS = ['strict', 'warn', 'off'] as const;
export type ServerAuthenticatorCheck = (typeof SERVER_AUTHENTICATOR_CHECKS)[number];
export type Protocol = (typeof PROTOCOLS)[number];

export interface GatewayConfig {
  id: string;
  protocol: Protocol;
  host: string;
  port: number;
  /** CMPP Source_Addr / SGIP login name / SMGP ClientID / SMPP system_id. */
  account: string;
  secret: string;
  /** Sender number; app and message extension codes are appended. */
  spNumber: string;
  serviceId: string;
  carriers: readonly Carrier[];
  connections: number;
  /** Requests in flight per connection. */
  window: number;
  /** Submits per second over all connections of this gateway. */
  tps: number;
  /** Response timeout for one request (CMPP T = 60 s; shorter is usual on a LAN). */
  requestTimeoutMs: number;
  /** Idle time before a keepalive (CMPP C = 3 min). */
  keepaliveMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Share of its carriers' traffic among the gateways serving them (default 1). */
  weight: number;
  /**
   * CMPP AuthenticatorISMG / SMGP AuthenticatorServer that does not match (docs/protocols.md §9
   * item 12): `strict` (default) drops the link, `warn` keeps it and says why once per connection,
   * `off` keeps it silently. SGIP and SMPP have no server authenticator.
   */
  verifyServerAuthenticator?: ServerAuthenticatorCheck | undefined;
  sgip?: SgipOptions | undefined;
  smgp?: SmgpOptions | undefined;
  smpp?: SmppOptions | undefined;
  ministry?: MinistryOptions | undefined;
}

/** The link of a province platform to the ministry platform (docs/federation.md). */
export interface MinistryOptions {
  url: string;
  tls: { cert?: string | undefined; key?: string | undefined; ca?: string | undefined } | undefined;
  scope: 'other-provinces' | 'all';
  pollMs: number;
  /** The ministry's push callbacks to this link (docs/federation.md §4 "Push"); absent: pulls only. */
  push?: MinistryPush | undefined;
}

export interface MinistryPush {
  listenHost: string;
  listenPort: number;
  secret: string;
  /** A callback whose timestamp is further off than this is refused. */
  maxSkewSeconds: number;
  /** The cursor pulls still run this often as a catch-up; 0: never. */
  catchUpMs: number;
}

/** SGIP 1.2 (China Unicom): the SMG also connects to the SP to deliver uplinks and reports. */
export interface SgipOptions {
  /** The SP's node id `3AAAAQQQQQ` (SGIP §3.3): first word of every sequence number it sends. */
  nodeId: number;
  /** The SP's 5-digit corporate code (Submit CorpId). */
  corpId: string;
  /** Where the platform listens for the SMG's Bind (login type 2). */
  listenHost: string;
  listenPort: number;
  /** The credentials the SMG binds to us with. */
  smgLogin: string;
  smgPassword: string;
  /** Submit ReportFlag: 1 = always report (default); the spec's 0 reports only failures. */
  reportFlag: 0 | 1;
  /** SGIP connections are short: an SP→SMG connection idle this long is unbound and closed. */
  idleCloseMs: number;
}

/** SMGP 3.0 (China Telecom). */
export interface SmgpOptions {
  /** Login Mode: 0 = send, 1 = receive, 2 = transmit and receive (default). */
  loginMode: 0 | 1 | 2;
}

/** SMPP 3.4. */
export interface SmppOptions {
  systemType: string;
  /** One transceiver bind per connection, or a transmitter + receiver pair. */
  bindMode: 'transceiver' | 'pair';
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  /** Long messages as UDH segments (esm_class 0x40), SAR TLVs, or one message_payload. */
  longMessage: 'udh' | 'sar' | 'payload';
}

/** One segment to submit, tagged with what the platform needs to correlate the answer. */
export interface SubmitPart {
  messageId: number;
  mobile: string;
  /** Full sender number: gateway spNumber + app extension + message extension. */
  srcId: string;
  segment: Segment;
  wantReport: boolean;
  /**
   * The last moment it may be written, in `performance.now()` milliseconds (a monotonic clock):
   * after it the sender's lease could run out before the answer is stored (docs/multinode.md).
   */
  writeBy?: number;
  /**
   * Epoch ms after which the carrier should stop trying (the message's validity, a verification
   * code's expiry); sent as the submit's validity field. Absent or null: the carrier's default.
   */
  validUntil?: number | null;
  /**
   * An answer to a citizen's uplink (a command reply): SGIP marks it MorelatetoMTFlag 0, the first
   * MT after an MO; anything else is 2, not caused by an MO (docs/protocols.md §2.3).
   */
  answersUplink?: boolean;
}

export type SubmitOutcome =
  /** The carrier took the part and named it. */
  | { kind: 'accepted'; carrierMsgId: string }
  /** Not taken, worth retrying later (flow control, link down before the part was written). */
  | { kind: 'retry'; code: string; reason: string }
  /** Refused for good (bad number, bad content, …). */
  | { kind: 'rejected'; code: string; reason: string }
  /** Written to the carrier but never answered: it may have been taken. Retried, counted as a possible duplicate. */
  | { kind: 'unanswered'; code: string; reason: string };

export interface DeliveryReport {
  gatewayId: string;
  carrierMsgId: string;
  /** The carrier's status text as sent (`DELIVRD`, `UNDELIV`, `MK:0012`, …). */
  stat: string;
  mobile: string;
  /** Epoch ms of the carrier's done time when given, else receipt time. */
  doneAt: number;
  receivedAt: number;
}

export interface UplinkMessage {
  gatewayId: string;
  carrierMsgId: string;
  /** Sender, normalised to 11 digits where possible. */
  mobile: string;
  /** The number the citizen texted (spNumber + extension). */
  destId: string;
  text: string;
  receivedAt: number;
  /** Concatenation info when the uplink was one segment of a long message. */
  concat: { reference: number; total: number; partNo: number } | null;
}

/**
 * How a link counts and cuts text (domain/text/types.ts): the Chinese carriers' links `cn`, SMPP
 * `gsm`, or `gsm-sar` when it concatenates by SAR TLVs.
 */
export function textProfileOf(protocol: Protocol, longMessage?: SmppOptions['longMessage']): TextProfile {
  if (protocol !== 'smpp') return 'cn';
  return longMessage === 'sar' ? 'gsm-sar' : 'gsm';
}

/**
 * Link states. `refused` (the peer refuses our credentials and is retried slowly) and `paused` (our
 * balance with the peer is used up) are the ministry link's (docs/federation.md).
 */
export const GATEWAY_STATES = [
  'idle',
  'connecting',
  'binding',
  'bound',
  'unbinding',
  'closed',
  'refused',
  'paused',
] as const;
export type GatewayState = (typeof GATEWAY_STATES)[number];

export interface GatewayStatus {
  id: string;
  protocol: Protocol;
  state: GatewayState;
  /** Connections currently bound. */
  bound: number;
  inFlight: number;
  queued: number;
  window: number;
  tps: number;
  counters: {
    submitted: number;
    accepted: number;
    rejected: number;
    retried: number;
    unanswered: number;
    reports: number;
    uplinks: number;
    reconnects: number;
    errors: number;
  };
  lastError: string | null;
  /** Why a link is in use although a check failed (`verifyServerAuthenticator: warn`); absent or null: none. */
  warning?: string | null;
}

export interface GatewayHandlers {
  report(report: DeliveryReport): Promise<void>;
  uplink(message: UplinkMessage): Promise<void>;
  state?(status: GatewayStatus): void;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly textProfile: TextProfile;
  /**
   * The route cuts text itself (another 12333 platform's interface): each message is one part with
   * the whole text, charged as `textProfile` would cut it.
   */
  readonly wholeMessages?: boolean;
  /** Opens the connections; reconnects by itself until closed. */
  start(handlers: GatewayHandlers): void;
  /** How many more parts it can take now without queueing beyond its window. */
  capacity(): number;
  /**
   * One outcome per part, in order. Never rejects: a broken link answers `retry` or `unanswered`.
   * `recorded` settles once the caller has stored the outcomes: until then the parts written keep
   * their window slots, so no more than a window's worth is ever written and not yet recorded
   * (docs/multinode.md "Duplicates"). A link without a window may ignore it.
   */
  submit(parts: readonly SubmitPart[], recorded?: Promise<unknown>): Promise<SubmitOutcome[]>;
  status(): GatewayStatus;
  /** Stops taking parts, waits for answers in flight (bounded), says goodbye, closes. */
  close(): Promise<void>;
}
