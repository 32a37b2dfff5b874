/**
 * One long TCP connection of a carrier gateway, client side, as a state machine; what the CMPP,
 * SMGP and SMPP connections share (SGIP's short connections have their own, sgip/connection.ts):
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, bind PDU sent──▶ binding
 *   binding ──the protocol accepts the bind answer──▶ bound
 *   bound ──close(): window drained (bounded), unbind PDU sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refusal, peer unbind,
 *                                              keepalive unanswered, unbind answer──▶ closed
 *
 * Each visit to `connecting` opens a fresh socket with its own framer, window and timers; leaving
 * for `closed` ends them all: requests in flight are answered `lost`, every timer is cancelled.
 * From `closed` the connection comes back after a backoff delay, unless the gateway is closing.
 * Keepalive from bound: a probe after `keepaliveMs` without an inbound PDU, resent after each
 * unanswered `requestTimeoutMs`, link dropped after `KEEPALIVE_TRIES` (keepalive.ts). A delivery is
 * answered only after the gateway's handler settled, and close() waits (bounded) for those.
 *
 * A protocol supplies its codec and framer, its bind, unbind and keepalive PDUs, what it does with
 * a PDU that frames but does not decode, and `handle(link, pdu)`, which calls `established` on an
 * accepted bind and `drop` on anything that ends the link.
 */
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import type { Framer } from '../codec/framer.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import type { GatewayConfig } from '../gateway.js';
import { createBackoff, type Backoff } from './backoff.js';
import { waitAtMost, type Clock, type TimerHandle } from './clock.js';
import { Keepalive } from './keepalive.js';
import { RequestTracker, SequenceCounter, type RequestResult } from './request-tracker.js';
import { StateMachine, type TransitionTable } from './state-machine.js';
import { createTickWriter, STALL_DROP_MS } from './tick-writer.js';

export const LINK_STATES = ['closed', 'connecting', 'binding', 'bound', 'unbinding'] as const;
export type LinkState = (typeof LINK_STATES)[number];

const TRANSITIONS: TransitionTable<LinkState> = {
  closed: ['connecting'],
  connecting: ['binding', 'closed'],
  binding: ['bound', 'closed'],
  bound: ['unbinding', 'closed'],
  unbinding: ['closed'],
};

/** Keepalive probes left unanswered before the link is dropped (docs/protocols.md §1, §3, §4: N = 3). */
export const KEEPALIVE_TRIES = 3;

export type ProblemKind = 'auth' | 'protocol' | 'network' | 'keepalive';

/** What a connection tells its gateway; a protocol adds how a delivery is handed over. */
export interface LinkEvents {
  stateChanged(): void;
  /** A window slot may have opened (bound, or an answer arrived). */
  slotFreed(): void;
  problem(kind: ProblemKind, message: string): void;
  reconnecting(): void;
  /** A link is in use although the server's authenticator did not match (`verifyServerAuthenticator: warn`). */
  authWarning?(message: string): void;
}

export interface LinkContext {
  config: GatewayConfig;
  clock: Clock;
  logger: Logger;
  random: () => number;
  events: LinkEvents;
}

/** What one socket's life holds; dropped whole when the connection leaves for `closed`. */
export interface Link<Answer> {
  socket: Socket;
  /** Writes of one tick go out together (one syscall). */
  write: (frame: Buffer) => void;
  framer: Framer;
  window: RequestTracker<Answer>;
  closed: boolean;
  onClosed: (() => void)[];
  bindSeq: number;
  unbindSeq: number;
  /** Connect, bind or unbind deadline, whichever step is running. */
  setup: TimerHandle | null;
  /** Running from bound until the link ends. */
  keepalive: Keepalive | null;
}

/** The protocol's words in the shared log lines and problems. */
export interface LinkTexts {
  /** Leads the shared log lines: `CMPP`, `SMGP`, `SMPP`. */
  name: string;
  /** The problem when the bind goes unanswered. */
  bindTimeout: string;
  /** Why an unanswered unbind ended the link (an orderly close, not a problem). */
  unbindTimeout: string;
  /** The problem when `KEEPALIVE_TRIES` probes went unanswered. */
  keepaliveDead: string;
}

export interface LinkOptions {
  /** Added to the connection's log bindings after `conn`. */
  logBindings?: Record<string, unknown>;
  /** The largest sequence number the protocol allows. */
  maxSequence?: number;
}

export abstract class LinkConnection<
  Pdu extends { readonly command: string },
  Answer,
  L extends Link<Answer>,
  Ctx extends LinkContext,
> {
  protected readonly log: Logger;
  protected readonly seq: SequenceCounter;
  protected link: L | null = null;
  private readonly machine: StateMachine<LinkState>;
  private readonly backoff: Backoff;
  private readonly delivering = new Set<Promise<void>>();
  private reconnectTimer: TimerHandle | null = null;
  private stopping = false;

  constructor(
    readonly index: number,
    protected readonly ctx: Ctx,
    private readonly texts: LinkTexts,
    options: LinkOptions = {},
  ) {
    this.log = ctx.logger.child({ conn: index, ...options.logBindings });
    this.seq = new SequenceCounter(0, options.maxSequence);
    this.machine = new StateMachine(TRANSITIONS, 'closed', (from, to) =>
      this.log.debug({ from, to }, `${texts.name} 连接状态 connection state`),
    );
    this.backoff = createBackoff({
      minMs: ctx.config.reconnectMinMs,
      maxMs: ctx.config.reconnectMaxMs,
      random: ctx.random,
    });
  }

  /** The rest of a fresh link: the protocol's own fields over the shared ones. */
  protected abstract newLink(shared: Link<Answer>): L;
  protected abstract newFramer(): Framer;
  /** Throws `ERR_PROTOCOL_ENCODE` when the PDU cannot be encoded. */
  protected abstract encode(link: L, pdu: Pdu): Buffer;
  protected abstract decode(link: L, frame: Buffer): DecodeResult<Pdu>;
  /** A frame that does not decode as a PDU; the protocol answers it or drops the link. */
  protected abstract undecodable(link: L, frame: Buffer, error: DecodeError): void;
  /** The bind request, sequence `link.bindSeq`. */
  protected abstract bindPdu(link: L): Pdu;
  protected abstract unbindPdu(sequence: number): Pdu;
  protected abstract keepalivePdu(sequence: number): Pdu;
  protected abstract handle(link: L, pdu: Pdu): void;

  /** Whether this connection's bind lets it submit at all (a receive-only bind does not). */
  protected sendsSubmits(): boolean {
    return true;
  }

  /**
   * The server's login authenticator did not match our secret (docs/protocols.md §9 item 12): by
   * the gateway's `verifyServerAuthenticator`, `strict` drops the link as an auth problem; `warn`
   * says so once for this connection and keeps it; `off` keeps it. Answers whether to go on.
   */
  protected acceptServerAuthenticator(link: L, why: string): boolean {
    const check = this.ctx.config.verifyServerAuthenticator ?? 'strict';
    if (check === 'strict') {
      this.drop(link, 'auth', why);
      return false;
    }
    if (check === 'warn') {
      const message = `${why}；按 verifyServerAuthenticator: warn 仍使用此连接 link kept (warn mode)`;
      this.log.warn({ code: 'ERR_GATEWAY_AUTH' }, message);
      this.ctx.events.authWarning?.(message);
    }
    return true;
  }

  /** The problem a PDU we cannot encode is. */
  protected encodeFailureKind(_pdu: Pdu): ProblemKind {
    return 'protocol';
  }

  get state(): LinkState {
    return this.machine.state;
  }

  /** Free window slots; 0 unless bound and able to submit. */
  get free(): number {
    return this.sendsSubmits() && this.machine.state === 'bound' && this.link ? this.link.window.free : 0;
  }

  get inFlight(): number {
    return this.link?.window.size ?? 0;
  }

  start(): void {
    this.open();
  }

  /** Stops reconnecting; when bound, lets the window drain (bounded), unbinds, closes. */
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
    link.unbindSeq = this.seq.next();
    // A failed write has dropped the link already; otherwise the answer is waited for, bounded.
    if (this.send(link, this.unbindPdu(link.unbindSeq)))
      link.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
        this.drop(link, null, this.texts.unbindTimeout),
      );
    await closed;
  }

  /**
   * Writes one request and answers how it ended, or null when there is no free slot on a bound link.
   * Throws `ERR_PROTOCOL_ENCODE` before writing anything when the request cannot be encoded.
   */
  protected request(build: (sequence: number) => Pdu): Promise<RequestResult<Answer>> | null {
    const link = this.link;
    if (this.free <= 0 || !link) return null;
    const sequence = this.seq.next();
    const frame = this.encode(link, build(sequence));
    const answer = link.window.track(sequence, this.ctx.config.requestTimeoutMs);
    link.write(frame);
    return answer;
  }

  /** Encodes and writes; a PDU we cannot encode is a local fault that ends the link. */
  protected send(link: L, pdu: Pdu): boolean {
    try {
      link.write(this.encode(link, pdu));
      return true;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.drop(link, this.encodeFailureKind(pdu), `无法编码 cannot encode ${pdu.command}: ${why}`);
      return false;
    }
  }

  /** The bind was accepted: backoff starts over, keepalive starts, the window opens. */
  protected established(link: L, logFields: Record<string, unknown>, message: string): void {
    this.backoff.reset();
    this.move('bound');
    this.log.info(logFields, message);
    const { keepaliveMs, requestTimeoutMs } = this.ctx.config;
    link.keepalive = new Keepalive({
      clock: this.ctx.clock,
      idleMs: keepaliveMs,
      timeoutMs: requestTimeoutMs,
      tries: KEEPALIVE_TRIES,
      probe: () => !link.closed && this.send(link, this.keepalivePdu(this.seq.next())),
      dead: () => this.drop(link, 'keepalive', this.texts.keepaliveDead),
    });
    link.keepalive.start();
    this.ctx.events.slotFreed();
  }

  /**
   * Answers a delivery once the gateway's handler settled (`failed` when it threw), on the link it
   * came on; close() waits for it. A link gone by then is only logged: the peer delivers again.
   */
  protected answerWhenSettled(
    link: L,
    handled: Promise<number>,
    failed: number,
    respond: (result: number) => Pdu,
    gone: { seq: number; message: string },
  ): void {
    const answer = (result: number): void => {
      if (link.closed) {
        this.log.warn({ seq: gone.seq }, gone.message);
        return;
      }
      this.send(link, respond(result));
    };
    const done = handled.then(answer, () => answer(failed));
    this.delivering.add(done);
    void done.finally(() => this.delivering.delete(done));
  }

  /**
   * Ends the link: in-flight requests become `lost`, every timer stops, the socket closes (after
   * flushing a last PDU when `flush`). `kind` null is an orderly close, not a problem.
   */
  protected drop(link: L, kind: ProblemKind | null, message: string, flush = false): void {
    if (link.closed) return;
    link.closed = true;
    link.setup?.cancel();
    link.keepalive?.stop();
    link.window.failAll(message);
    if (flush) link.socket.end(() => link.socket.destroy());
    else link.socket.destroy();
    if (this.link === link) this.link = null;
    if (kind) {
      this.log.warn({ kind }, `${this.texts.name} 连接断开 connection dropped: ${message}`);
      this.ctx.events.problem(kind, message);
    }
    this.move('closed');
    for (const resolve of link.onClosed) resolve();
    if (!this.stopping) this.scheduleReconnect();
  }

  private move(to: LinkState): void {
    const from = this.machine.state;
    if (!this.machine.to(to))
      this.log.error({ from, to }, `${this.texts.name} 连接状态转换非法 illegal connection state transition`);
    this.ctx.events.stateChanged();
  }

  private open(): void {
    if (this.stopping) return;
    const { host, port, requestTimeoutMs } = this.ctx.config;
    this.move('connecting');
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const link = this.newLink({
      socket,
      write: createTickWriter(socket, { dropAfterStallMs: STALL_DROP_MS }),
      framer: this.newFramer(),
      window: new RequestTracker<Answer>(this.ctx.config.window, this.ctx.clock),
      closed: false,
      onClosed: [],
      bindSeq: 0,
      unbindSeq: 0,
      setup: null,
      keepalive: null,
    });
    this.link = link;
    link.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.drop(link, 'network', `连接超时 connect timed out (${host}:${port})`),
    );
    socket.on('connect', () => this.bind(link));
    socket.on('data', (chunk: Buffer) => this.receive(link, chunk));
    socket.on('error', (err) => this.drop(link, 'network', `${host}:${port} ${err.message}`));
    socket.on('close', () => this.drop(link, 'network', '对端关闭连接 peer closed the connection'));
  }

  private bind(link: L): void {
    if (link.closed) return;
    link.setup?.cancel();
    this.move('binding');
    link.bindSeq = this.seq.next();
    if (!this.send(link, this.bindPdu(link))) return;
    link.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
      this.drop(link, 'network', this.texts.bindTimeout),
    );
  }

  private receive(link: L, chunk: Buffer): void {
    if (link.closed) return;
    const pushed = link.framer.push(chunk);
    for (const frame of pushed.frames) {
      if (this.link !== link) return; // a previous frame ended the link
      const decoded = this.decode(link, frame);
      if (!decoded.ok) {
        this.undecodable(link, frame, decoded.error);
        continue;
      }
      link.keepalive?.alive(); // any inbound PDU proves the link alive
      this.handle(link, decoded.value);
    }
    if (!pushed.ok)
      this.drop(link, 'protocol', `报文分帧失败 framing lost: ${pushed.error.code} ${pushed.error.message}`);
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.next();
    this.log.info(
      { delayMs: delay, attempt: this.backoff.attempts },
      `${this.texts.name} 稍后重连 reconnecting after backoff`,
    );
    this.reconnectTimer = this.ctx.clock.setTimer(delay, () => {
      this.reconnectTimer = null;
      this.ctx.events.reconnecting();
      this.open();
    });
  }
}
