/**
 * One TCP connection of a CMPP gateway, SP side, as a state machine (README §1; CMPP 2.0 §6.1 /
 * 3.0 §7.1 long connection):
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, CONNECT sent──▶ binding
 *   binding ──CONNECT_RESP Status 0, AuthenticatorISMG checks──▶ bound
 *   bound ──close(): window drained (bounded), TERMINATE sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refusal, peer TERMINATE,
 *                                              3 ACTIVE_TESTs unanswered, TERMINATE_RESP──▶ closed
 *
 * Each visit to `connecting` opens a fresh socket with its own framer, window and timers; leaving
 * for `closed` ends them all: requests in flight are answered `lost`, every timer is cancelled.
 * From `closed` the connection comes back after a backoff delay, unless the gateway is closing.
 * Keepalive: ACTIVE_TEST after `keepaliveMs` without an inbound PDU, resent after each unanswered
 * `requestTimeoutMs`, link dropped after 3 (C / T / N of README §1). A DELIVER is acknowledged
 * only after the gateway's handler settled. No byte logic here: PDUs come from the codec.
 */
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../log.js';
import type { Framer } from '../codec/framer.js';
import type { GatewayConfig } from '../gateway.js';
import { createBackoff, type Backoff } from '../session/backoff.js';
import { waitAtMost, type Clock, type TimerHandle } from '../session/clock.js';
import { RequestTracker, SequenceCounter, type RequestResult } from '../session/request-tracker.js';
import { StateMachine, type TransitionTable } from '../session/state-machine.js';
import { createTickWriter } from '../session/tick-writer.js';
import { cmppAuthenticatorIsmg, cmppAuthenticatorSource, cmppTimestamp } from './auth.js';
import type { Deliver, SubmitBody, SubmitResp } from './client-mapping.js';
import { createCmppFramer, decodeCmpp, encodeCmpp, type CmppPdu, type CmppVersion } from './codec.js';
import { connectStatusReason, DELIVER_RESULT } from './codes.js';
import { CMPP_VERSION_BYTE } from './tables.js';

export const CONNECTION_STATES = ['closed', 'connecting', 'binding', 'bound', 'unbinding'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

const TRANSITIONS: TransitionTable<ConnectionState> = {
  closed: ['connecting'],
  connecting: ['binding', 'closed'],
  binding: ['bound', 'closed'],
  bound: ['unbinding', 'closed'],
  unbinding: ['closed'],
};

/** ACTIVE_TESTs left unanswered before the link is dropped (README §1: N = 3). */
const KEEPALIVE_TRIES = 3;

export type ProblemKind = 'auth' | 'protocol' | 'network' | 'keepalive';

export interface ConnectionEvents {
  stateChanged(): void;
  /** A window slot may have opened (bound, or an answer arrived). */
  slotFreed(): void;
  /** Handles a DELIVER; answers the DELIVER_RESP Result. Never rejects. */
  deliver(pdu: Deliver): Promise<number>;
  problem(kind: ProblemKind, message: string): void;
  reconnecting(): void;
}

export interface ConnectionContext {
  config: GatewayConfig;
  version: CmppVersion;
  clock: Clock;
  logger: Logger;
  random: () => number;
  events: ConnectionEvents;
}

/** What one socket's life holds; dropped whole when the connection leaves for `closed`. */
interface Link {
  socket: Socket;
  /** Writes of one tick go out together (one syscall). */
  write: (frame: Buffer) => void;
  framer: Framer;
  window: RequestTracker<SubmitResp>;
  closed: boolean;
  onClosed: (() => void)[];
  connectSeq: number;
  authSource: Buffer;
  terminateSeq: number;
  lastInbound: number;
  misses: number;
  timers: { setup: TimerHandle | null; idle: TimerHandle | null; probe: TimerHandle | null };
}

export class CmppConnection {
  private readonly machine: StateMachine<ConnectionState>;
  private readonly backoff: Backoff;
  private readonly seq = new SequenceCounter();
  private readonly log: Logger;
  private readonly delivering = new Set<Promise<void>>();
  private link: Link | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private stopping = false;

  constructor(
    readonly index: number,
    private readonly ctx: ConnectionContext,
  ) {
    this.log = ctx.logger.child({ conn: index });
    this.machine = new StateMachine(TRANSITIONS, 'closed', (from, to) =>
      this.log.debug({ from, to }, 'CMPP 连接状态 connection state'),
    );
    this.backoff = createBackoff({
      minMs: ctx.config.reconnectMinMs,
      maxMs: ctx.config.reconnectMaxMs,
      random: ctx.random,
    });
  }

  get state(): ConnectionState {
    return this.machine.state;
  }

  /** Free window slots; 0 unless bound. */
  get free(): number {
    return this.machine.state === 'bound' && this.link ? this.link.window.free : 0;
  }

  get inFlight(): number {
    return this.link?.window.size ?? 0;
  }

  start(): void {
    this.open();
  }

  /**
   * Writes one SUBMIT and answers how it ended, or null when there is no free slot on a bound link.
   * Throws `ERR_PROTOCOL_ENCODE` before writing anything when the part cannot be encoded.
   */
  submit(body: SubmitBody): Promise<RequestResult<SubmitResp>> | null {
    const link = this.link;
    if (this.machine.state !== 'bound' || !link || link.window.free <= 0) return null;
    const sequenceId = this.seq.next();
    const frame = encodeCmpp(this.ctx.version, { ...body, sequenceId });
    const answer = link.window.track(sequenceId, this.ctx.config.requestTimeoutMs);
    link.write(frame);
    return answer;
  }

  /** Stops reconnecting; when bound, lets the window drain (bounded), says TERMINATE, closes. */
  async close(drainMs: number): Promise<void> {
    this.stopping = true;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = null;
    const link = this.link;
    if (!link) return;
    if (this.machine.state !== 'bound') {
      this.drop(link, null, 'gateway closing');
      return;
    }
    await waitAtMost(this.ctx.clock, Promise.all([link.window.drained(), ...this.delivering]), drainMs);
    if (link.closed) return;
    const closed = new Promise<void>((resolve) => link.onClosed.push(resolve));
    this.move('unbinding');
    link.terminateSeq = this.seq.next();
    this.send(link, { command: 'CMPP_TERMINATE', sequenceId: link.terminateSeq });
    link.timers.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
      this.drop(link, null, 'no TERMINATE_RESP'),
    );
    await closed;
  }

  private move(to: ConnectionState): void {
    const from = this.machine.state;
    if (!this.machine.to(to))
      this.log.error({ from, to }, 'CMPP 连接状态转换非法 illegal connection state transition');
    this.ctx.events.stateChanged();
  }

  private open(): void {
    if (this.stopping) return;
    const { host, port, requestTimeoutMs } = this.ctx.config;
    this.move('connecting');
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const link: Link = {
      socket,
      write: createTickWriter(socket),
      framer: createCmppFramer(this.ctx.version),
      window: new RequestTracker<SubmitResp>(this.ctx.config.window, this.ctx.clock),
      closed: false,
      onClosed: [],
      connectSeq: 0,
      authSource: Buffer.alloc(16),
      terminateSeq: 0,
      lastInbound: this.ctx.clock.now(),
      misses: 0,
      timers: { setup: null, idle: null, probe: null },
    };
    this.link = link;
    link.timers.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.drop(link, 'network', `连接超时 connect timed out (${host}:${port})`),
    );
    socket.on('connect', () => this.bind(link));
    socket.on('data', (chunk: Buffer) => this.receive(link, chunk));
    socket.on('error', (err) => this.drop(link, 'network', `${host}:${port} ${err.message}`));
    socket.on('close', () => this.drop(link, 'network', '对端关闭连接 peer closed the connection'));
  }

  /** CONNECT with the MD5 authenticator over a Beijing timestamp (README §1.3). */
  private bind(link: Link): void {
    if (link.closed) return;
    link.timers.setup?.cancel();
    this.move('binding');
    const { account, secret, requestTimeoutMs } = this.ctx.config;
    const ts = cmppTimestamp(this.ctx.clock.now());
    link.authSource = cmppAuthenticatorSource(account, secret, ts.text);
    link.connectSeq = this.seq.next();
    const connectPdu: CmppPdu = {
      command: 'CMPP_CONNECT',
      sequenceId: link.connectSeq,
      sourceAddr: account,
      authenticatorSource: link.authSource,
      version: CMPP_VERSION_BYTE[this.ctx.version],
      timestamp: ts.value,
    };
    if (!this.send(link, connectPdu)) return;
    link.timers.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.drop(link, 'network', 'CONNECT_RESP 超时 no CONNECT_RESP in time'),
    );
  }

  /** Encodes and writes; a PDU we cannot encode is a local fault that ends the link. */
  private send(link: Link, pdu: CmppPdu): boolean {
    try {
      link.write(encodeCmpp(this.ctx.version, pdu));
      return true;
    } catch (err) {
      this.drop(
        link,
        'protocol',
        `无法编码 cannot encode ${pdu.command}: ${err instanceof Error ? err.message : String(err)}`,
      );
      return false;
    }
  }

  private receive(link: Link, chunk: Buffer): void {
    if (link.closed) return;
    const pushed = link.framer.push(chunk);
    for (const frame of pushed.frames) {
      if (this.link !== link) return; // a previous frame ended the link
      const decoded = decodeCmpp(this.ctx.version, frame);
      if (!decoded.ok) {
        const head = frame.subarray(0, 64).toString('hex');
        this.drop(
          link,
          'protocol',
          `无法解析 cannot decode a PDU from the ISMG: ${decoded.error.code} ${decoded.error.message} [${head}]`,
        );
        return;
      }
      this.alive(link);
      this.handle(link, decoded.value);
    }
    if (!pushed.ok)
      this.drop(link, 'protocol', `报文分帧失败 framing lost: ${pushed.error.code} ${pushed.error.message}`);
  }

  private handle(link: Link, pdu: CmppPdu): void {
    const state = this.machine.state;
    switch (pdu.command) {
      case 'CMPP_CONNECT_RESP':
        if (state === 'binding' && pdu.sequenceId === link.connectSeq)
          this.bound(link, pdu.status, pdu.authenticatorIsmg);
        else this.log.warn({ seq: pdu.sequenceId, state }, '多余的 CONNECT_RESP unexpected CONNECT_RESP');
        return;
      case 'CMPP_SUBMIT_RESP':
        if (!link.window.answer(pdu.sequenceId, pdu))
          this.log.warn({ seq: pdu.sequenceId }, '迟到或未知的 SUBMIT_RESP late or unknown SUBMIT_RESP');
        return;
      case 'CMPP_DELIVER':
        if (state === 'bound' || state === 'unbinding') this.deliver(link, pdu);
        else this.log.warn({ state }, '未绑定时收到 DELIVER DELIVER before bind, ignored');
        return;
      case 'CMPP_ACTIVE_TEST':
        this.send(link, { command: 'CMPP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId, reserved: 0 });
        return;
      case 'CMPP_ACTIVE_TEST_RESP':
        return; // alive() already counted it
      case 'CMPP_TERMINATE':
        this.send(link, { command: 'CMPP_TERMINATE_RESP', sequenceId: pdu.sequenceId });
        this.drop(link, 'network', '网关发来 TERMINATE the ISMG terminated the connection', true);
        return;
      case 'CMPP_TERMINATE_RESP':
        if (state === 'unbinding' && pdu.sequenceId === link.terminateSeq) this.drop(link, null, 'unbound');
        return;
      case 'CMPP_CONNECT':
      case 'CMPP_SUBMIT':
      case 'CMPP_QUERY':
      case 'CMPP_QUERY_RESP':
      case 'CMPP_CANCEL':
      case 'CMPP_CANCEL_RESP':
      case 'CMPP_DELIVER_RESP':
        this.log.warn({ command: pdu.command }, 'SP 端不处理此报文 PDU not expected by an SP, ignored');
        return;
    }
  }

  /** CONNECT_RESP (README §1.3): Status 0 and the ISMG's authenticator over our own, or a refusal. */
  private bound(link: Link, status: number, authenticatorIsmg: Buffer): void {
    link.timers.setup?.cancel();
    if (status !== 0) {
      this.drop(link, 'auth', `CMPP_CONNECT 被拒绝 refused: Status ${status} ${connectStatusReason(status)}`);
      return;
    }
    const expected = cmppAuthenticatorIsmg(this.ctx.version, 0, link.authSource, this.ctx.config.secret);
    if (!expected.equals(authenticatorIsmg)) {
      this.drop(
        link,
        'auth',
        'AuthenticatorISMG 校验失败 mismatch: the ISMG does not prove it holds our shared secret',
      );
      return;
    }
    this.backoff.reset();
    this.move('bound');
    this.log.info({ version: this.ctx.version }, 'CMPP 连接已绑定 connection bound');
    this.armIdle(link, this.ctx.config.keepaliveMs);
    this.ctx.events.slotFreed();
  }

  /** Any inbound PDU proves the link alive: keepalive starts over. */
  private alive(link: Link): void {
    link.lastInbound = this.ctx.clock.now();
    link.misses = 0;
    if (link.timers.probe) {
      link.timers.probe.cancel();
      link.timers.probe = null;
      this.armIdle(link, this.ctx.config.keepaliveMs);
    }
  }

  private armIdle(link: Link, ms: number): void {
    link.timers.idle = this.ctx.clock.setTimer(ms, () => {
      link.timers.idle = null;
      const idle = this.ctx.clock.now() - link.lastInbound;
      if (idle < this.ctx.config.keepaliveMs) this.armIdle(link, this.ctx.config.keepaliveMs - idle);
      else this.probe(link);
    });
  }

  private probe(link: Link): void {
    if (link.closed) return;
    if (!this.send(link, { command: 'CMPP_ACTIVE_TEST', sequenceId: this.seq.next() })) return;
    link.timers.probe = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () => {
      link.timers.probe = null;
      link.misses++;
      if (link.misses >= KEEPALIVE_TRIES)
        this.drop(
          link,
          'keepalive',
          `${KEEPALIVE_TRIES} 次 ACTIVE_TEST 无应答 ACTIVE_TEST unanswered ${KEEPALIVE_TRIES} times`,
        );
      else this.probe(link);
    });
  }

  /** DELIVER_RESP goes out only after the handler settled (gateway.ts), and on the link it came on. */
  private deliver(link: Link, pdu: Deliver): void {
    const answer = (result: number): void => {
      if (link.closed) {
        this.log.warn(
          { seq: pdu.sequenceId },
          '连接已断开，未发送 DELIVER_RESP link gone before DELIVER_RESP; the ISMG will deliver again',
        );
        return;
      }
      this.send(link, { command: 'CMPP_DELIVER_RESP', sequenceId: pdu.sequenceId, msgId: pdu.msgId, result });
    };
    const done = this.ctx.events.deliver(pdu).then(answer, () => answer(DELIVER_RESULT.other));
    this.delivering.add(done);
    void done.finally(() => this.delivering.delete(done));
  }

  /**
   * Ends the link: in-flight requests become `lost`, every timer stops, the socket closes (after
   * flushing a last PDU when `flush`). `kind` null is an orderly close, not a problem.
   */
  private drop(link: Link, kind: ProblemKind | null, message: string, flush = false): void {
    if (link.closed) return;
    link.closed = true;
    for (const t of Object.values(link.timers)) t?.cancel();
    link.window.failAll(message);
    if (flush) link.socket.end(() => link.socket.destroy());
    else link.socket.destroy();
    if (this.link === link) this.link = null;
    if (kind) {
      this.log.warn({ kind }, `CMPP 连接断开 connection dropped: ${message}`);
      this.ctx.events.problem(kind, message);
    }
    this.move('closed');
    for (const resolve of link.onClosed) resolve();
    if (!this.stopping) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.next();
    this.log.info(
      { delayMs: delay, attempt: this.backoff.attempts },
      'CMPP 稍后重连 reconnecting after backoff',
    );
    this.reconnectTimer = this.ctx.clock.setTimer(delay, () => {
      this.reconnectTimer = null;
      this.ctx.events.reconnecting();
      this.open();
    });
  }
}
