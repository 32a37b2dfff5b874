/**
 * One TCP connection of an SMGP gateway, SP side, as a state machine (SMGP V3.0.3 long
 * connection; protocols README §3 transport):
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, Login sent──▶ binding
 *   binding ──Login_Resp Status 0, AuthenticatorServer checks──▶ bound
 *   bound ──close(): window drained (bounded), Exit sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refusal, peer Exit,
 *                                              3 Active_Tests unanswered, Exit_Resp──▶ closed
 *
 * Each visit to `connecting` opens a fresh socket with its own framer, window and timers; leaving
 * for `closed` ends them all: requests in flight are answered `lost`, every timer is cancelled.
 * From `closed` the connection comes back after a backoff delay, unless the gateway is closing.
 * Keepalive: Active_Test after `keepaliveMs` without an inbound PDU, resent after each unanswered
 * `requestTimeoutMs`, link dropped after 3 (C / T / N, README §3). A Deliver is acknowledged only
 * after the gateway's handler settled. No byte logic here: PDUs come from the codec.
 */
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../log.js';
import type { Framer } from '../codec/framer.js';
import type { GatewayConfig } from '../gateway.js';
import { createBackoff, type Backoff } from '../session/backoff.js';
import { waitAtMost, type Clock, type TimerHandle } from '../session/clock.js';
import { Keepalive } from '../session/keepalive.js';
import { RequestTracker, SequenceCounter, type RequestResult } from '../session/request-tracker.js';
import { StateMachine, type TransitionTable } from '../session/state-machine.js';
import { createTickWriter } from '../session/tick-writer.js';
import { smgpAuthenticatorClient, smgpAuthenticatorServer, smgpTimestamp } from './auth.js';
import type { Deliver, SubmitBody, SubmitResp } from './client-mapping.js';
import { createSmgpFramer, decodeSmgp, encodeSmgp, type SmgpLayout, type SmgpPdu } from './codec.js';
import { legacyVersion, LOGIN_MODE, SMGP_VERSION_BYTE, smgpStatusReason, STATUS } from './codes.js';

export type ConnectionState = 'closed' | 'connecting' | 'binding' | 'bound' | 'unbinding';

const TRANSITIONS: TransitionTable<ConnectionState> = {
  closed: ['connecting'],
  connecting: ['binding', 'closed'],
  binding: ['bound', 'closed'],
  bound: ['unbinding', 'closed'],
  unbinding: ['closed'],
};

/** Active_Tests left unanswered before the link is dropped (README §3: N = 3). */
const KEEPALIVE_TRIES = 3;

export type ProblemKind = 'auth' | 'protocol' | 'network' | 'keepalive';

export interface ConnectionEvents {
  stateChanged(): void;
  /** A window slot may have opened (bound, or an answer arrived). */
  slotFreed(): void;
  /** Handles a Deliver; answers the Deliver_Resp Status. Never rejects. */
  deliver(pdu: Deliver): Promise<number>;
  problem(kind: ProblemKind, message: string): void;
  reconnecting(): void;
}

export interface ConnectionContext {
  config: GatewayConfig;
  /** LoginMode (§5.2.2.1; README §3.3): 0 send, 1 receive, 2 both. */
  loginMode: 0 | 1 | 2;
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
  /** The Submit layout the Login settled on (ServerVersion below 3.0 → no FixedFee). */
  layout: SmgpLayout;
  closed: boolean;
  onClosed: (() => void)[];
  loginSeq: number;
  authClient: Buffer;
  exitSeq: number;
  /** Running from bound until the link ends. */
  keepalive: Keepalive | null;
  /** Connect, Login_Resp or Exit_Resp deadline. */
  setup: TimerHandle | null;
}

export class SmgpConnection {
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
      this.log.debug({ from, to }, 'SMGP 连接状态 connection state'),
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

  /** Bound in a LoginMode that may send: a receive-only link (README §3.3) takes no Submit. */
  get canSubmit(): boolean {
    return this.machine.state === 'bound' && this.ctx.loginMode !== LOGIN_MODE.receive;
  }

  /** Free window slots; 0 unless `canSubmit`. */
  get free(): number {
    return this.canSubmit && this.link ? this.link.window.free : 0;
  }

  get inFlight(): number {
    return this.link?.window.size ?? 0;
  }

  start(): void {
    this.open();
  }

  /**
   * Writes one Submit and answers how it ended, or null when there is no free slot on a bound link.
   * Throws `ERR_PROTOCOL_ENCODE` before writing anything when the part cannot be encoded.
   */
  submit(body: SubmitBody): Promise<RequestResult<SubmitResp>> | null {
    const link = this.link;
    if (this.free <= 0 || !link) return null;
    const sequenceId = this.seq.next();
    const frame = encodeSmgp({ ...body, sequenceId }, link.layout);
    const answer = link.window.track(sequenceId, this.ctx.config.requestTimeoutMs);
    link.write(frame);
    return answer;
  }

  /** Stops reconnecting; when bound, lets the window drain (bounded), says Exit, closes. */
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
    link.exitSeq = this.seq.next();
    // A failed write has dropped the link already; otherwise Exit_Resp is waited for, bounded.
    if (this.send(link, { command: 'SMGP_EXIT', sequenceId: link.exitSeq }))
      link.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
        this.drop(link, null, 'no Exit_Resp'),
      );
    await closed;
  }

  private move(to: ConnectionState): void {
    const from = this.machine.state;
    if (!this.machine.to(to))
      this.log.error({ from, to }, 'SMGP 连接状态转换非法 illegal connection state transition');
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
      framer: createSmgpFramer(),
      window: new RequestTracker<SubmitResp>(this.ctx.config.window, this.ctx.clock),
      layout: 'smgp30',
      closed: false,
      onClosed: [],
      loginSeq: 0,
      authClient: Buffer.alloc(16),
      exitSeq: 0,
      keepalive: null,
      setup: null,
    };
    this.link = link;
    link.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.drop(link, 'network', `连接超时 connect timed out (${host}:${port})`),
    );
    socket.on('connect', () => this.login(link));
    socket.on('data', (chunk: Buffer) => this.receive(link, chunk));
    socket.on('error', (err) => this.drop(link, 'network', `${host}:${port} ${err.message}`));
    socket.on('close', () => this.drop(link, 'network', '对端关闭连接 peer closed the connection'));
  }

  /** Login with the MD5 authenticator over a Beijing timestamp (§5.2.2.1; README §3.3). */
  private login(link: Link): void {
    if (link.closed) return;
    link.setup?.cancel();
    this.move('binding');
    const { account, secret, requestTimeoutMs } = this.ctx.config;
    const ts = smgpTimestamp(this.ctx.clock.now());
    link.authClient = smgpAuthenticatorClient(account, secret, ts.text);
    link.loginSeq = this.seq.next();
    const pdu: SmgpPdu = {
      command: 'SMGP_LOGIN',
      sequenceId: link.loginSeq,
      clientId: account,
      authenticatorClient: link.authClient,
      loginMode: this.ctx.loginMode,
      timeStamp: ts.value,
      clientVersion: SMGP_VERSION_BYTE,
    };
    if (!this.send(link, pdu)) return;
    link.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.drop(link, 'network', 'Login_Resp 超时 no Login_Resp in time'),
    );
  }

  /** Encodes and writes; a PDU we cannot encode is a local fault that ends the link. */
  private send(link: Link, pdu: SmgpPdu): boolean {
    try {
      link.write(encodeSmgp(pdu, link.layout));
      return true;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.drop(link, 'protocol', `无法编码 cannot encode ${pdu.command}: ${why}`);
      return false;
    }
  }

  private receive(link: Link, chunk: Buffer): void {
    if (link.closed) return;
    const pushed = link.framer.push(chunk);
    for (const frame of pushed.frames) {
      if (this.link !== link) return; // a previous frame ended the link
      const decoded = decodeSmgp(frame, link.layout);
      if (!decoded.ok) {
        const head = frame.subarray(0, 64).toString('hex');
        const { code, message } = decoded.error;
        this.drop(link, 'protocol', `无法解析 undecodable PDU from the SMGW: ${code} ${message} [${head}]`);
        return;
      }
      link.keepalive?.alive(); // any inbound PDU proves the link alive
      this.handle(link, decoded.value);
    }
    if (!pushed.ok)
      this.drop(link, 'protocol', `报文分帧失败 framing lost: ${pushed.error.code} ${pushed.error.message}`);
  }

  private handle(link: Link, pdu: SmgpPdu): void {
    const state = this.machine.state;
    switch (pdu.command) {
      case 'SMGP_LOGIN_RESP':
        if (state === 'binding' && pdu.sequenceId === link.loginSeq) this.bound(link, pdu);
        else this.log.warn({ seq: pdu.sequenceId, state }, '多余的 Login_Resp unexpected Login_Resp');
        return;
      case 'SMGP_SUBMIT_RESP':
        if (!link.window.answer(pdu.sequenceId, pdu))
          this.log.warn({ seq: pdu.sequenceId }, '迟到或未知的 Submit_Resp late or unknown Submit_Resp');
        return;
      case 'SMGP_DELIVER':
        if (state === 'bound' || state === 'unbinding') this.deliver(link, pdu);
        else this.log.warn({ state }, '未登录时收到 Deliver Deliver before login, ignored');
        return;
      case 'SMGP_ACTIVE_TEST':
        this.send(link, { command: 'SMGP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId });
        return;
      case 'SMGP_ACTIVE_TEST_RESP':
        return; // the keepalive already counted it
      case 'SMGP_EXIT':
        this.send(link, { command: 'SMGP_EXIT_RESP', sequenceId: pdu.sequenceId });
        this.drop(link, 'network', '网关发来 Exit the SMGW ended the connection', true);
        return;
      case 'SMGP_EXIT_RESP':
        if (state === 'unbinding' && pdu.sequenceId === link.exitSeq) this.drop(link, null, 'exited');
        return;
      case 'SMGP_LOGIN':
      case 'SMGP_SUBMIT':
      case 'SMGP_DELIVER_RESP':
      case 'SMGP_QUERY':
      case 'SMGP_QUERY_RESP':
        this.log.warn({ command: pdu.command }, 'SP 端不处理此报文 PDU not expected by an SP, ignored');
        return;
    }
  }

  /** Login_Resp (§5.2.2.1): Status 0 and the SMGW's authenticator over our own, or a refusal. */
  private bound(link: Link, pdu: Extract<SmgpPdu, { command: 'SMGP_LOGIN_RESP' }>): void {
    link.setup?.cancel();
    const { status } = pdu;
    if (status !== STATUS.ok) {
      this.drop(link, 'auth', `SMGP Login 被拒绝 refused: Status ${status} ${smgpStatusReason(status)}`);
      return;
    }
    const expected = smgpAuthenticatorServer(status, link.authClient, this.ctx.config.secret);
    if (!expected.equals(pdu.authenticatorServer)) {
      const why = 'AuthenticatorServer 校验失败 mismatch: the SMGW does not prove it holds our shared secret';
      this.drop(link, 'auth', why);
      return;
    }
    // An SMGW that answers 1.x or 2.x takes Submits without FixedFee (README §3.4); anything else,
    // a 0 some gateways leave there included, gets 3.0.
    link.layout = legacyVersion(pdu.serverVersion) ? 'smgp13' : 'smgp30';
    this.backoff.reset();
    this.move('bound');
    this.log.info({ serverVersion: pdu.serverVersion }, 'SMGP 连接已登录 connection logged in');
    link.keepalive = this.keepalive(link);
    link.keepalive.start();
    this.ctx.events.slotFreed();
  }

  /** Active_Test after an idle spell, the link dropped after 3 unanswered (README §3 C / T / N). */
  private keepalive(link: Link): Keepalive {
    const { keepaliveMs, requestTimeoutMs } = this.ctx.config;
    return new Keepalive({
      clock: this.ctx.clock,
      idleMs: keepaliveMs,
      timeoutMs: requestTimeoutMs,
      tries: KEEPALIVE_TRIES,
      probe: () =>
        !link.closed && this.send(link, { command: 'SMGP_ACTIVE_TEST', sequenceId: this.seq.next() }),
      dead: () => this.drop(link, 'keepalive', `Active_Test 无应答 unanswered ${KEEPALIVE_TRIES} times`),
    });
  }

  /** Deliver_Resp goes out only after the handler settled (gateway.ts), and on the link it came on. */
  private deliver(link: Link, pdu: Deliver): void {
    const answer = (status: number): void => {
      if (link.closed) {
        this.log.warn({ seq: pdu.sequenceId }, '连接已断开 link gone before Deliver_Resp; the SMGW resends');
        return;
      }
      this.send(link, { command: 'SMGP_DELIVER_RESP', sequenceId: pdu.sequenceId, msgId: pdu.msgId, status });
    };
    const done = this.ctx.events.deliver(pdu).then(answer, () => answer(STATUS.systemBusy));
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
    link.setup?.cancel();
    link.keepalive?.stop();
    link.window.failAll(message);
    if (flush) link.socket.end(() => link.socket.destroy());
    else link.socket.destroy();
    if (this.link === link) this.link = null;
    if (kind) {
      this.log.warn({ kind }, `SMGP 连接断开 connection dropped: ${message}`);
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
      'SMGP 稍后重连 reconnecting after backoff',
    );
    this.reconnectTimer = this.ctx.clock.setTimer(delay, () => {
      this.reconnectTimer = null;
      this.ctx.events.reconnecting();
      this.open();
    });
  }
}
