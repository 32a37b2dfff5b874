/**
 * One SP → SMG connection of the SGIP gateway (SGIP 1.2 §3.1, §3.7.2; docs/protocols.md §2), as a state
 * machine. SGIP connections are short: a client binds when it has commands to send and unbinds
 * once every answer is in; there is no keepalive PDU. So a bound link that stays idle for
 * `sgip.idleCloseMs` says UNBIND and closes, and is opened again when parts wait (`wake`).
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, BIND sent──▶ binding
 *   idle ──wake (parts wait)──▶ connecting
 *   binding ──BIND_RESP Result 0──▶ bound
 *   bound ──idle for idleCloseMs, or close()──▶ unbinding ──UNBIND_RESP, or timeout──▶ idle | closed
 *   bound ──the SMG's UNBIND, or the SMG closing an idle link (§3.1: it may after 60 s)──▶ idle
 *   connecting | binding | bound ──error, refusal, a bad PDU (§3.7.2.4.2), a drop mid-window──▶ closed
 *
 * `idle` is a healthy link without a socket; `closed` is a failed one, which comes back after a
 * backoff delay (§3.7.2.4.1) until the gateway closes. Each visit to `connecting` opens a fresh
 * link (link.ts: socket, framer, window of ≤ 32 outstanding (§3.1), timers); leaving it ends them
 * all: requests in flight are answered `lost`. No byte logic here: PDUs come from the codec.
 */
import type { Logger } from '../../shared/log.js';
import type { GatewayConfig, SgipOptions } from '../gateway.js';
import { createBackoff, type Backoff } from '../session/backoff.js';
import { waitAtMost, type Clock, type TimerHandle } from '../session/clock.js';
import type { RequestResult } from '../session/request-tracker.js';
import { StateMachine, type TransitionTable } from '../session/state-machine.js';
import type { Deliver, Report, SubmitBody, SubmitResp } from './client-mapping.js';
import type { SgipPdu } from './codec.js';
import { LOGIN_TYPE, sgipCodeReason } from './codes.js';
import type { Inbound } from './inbound.js';
import { SgipLink } from './link.js';
import { refusalOf } from './refusal.js';
import {
  sameSequence,
  sequenceFields,
  sequenceOf,
  type SgipSequence,
  type SgipSequencer,
} from './sequence.js';

export const CONNECTION_STATES = ['idle', 'closed', 'connecting', 'binding', 'bound', 'unbinding'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

const TRANSITIONS: TransitionTable<ConnectionState> = {
  idle: ['connecting', 'closed'],
  closed: ['connecting'],
  connecting: ['binding', 'closed'],
  binding: ['bound', 'closed'],
  bound: ['unbinding', 'idle', 'closed'],
  unbinding: ['idle', 'closed'],
};

/** Commands awaiting an answer on one connection: at most 32 (§3.1). */
export const SGIP_MAX_WINDOW = 32;

export type ProblemKind = 'auth' | 'protocol' | 'network';

export interface ConnectionEvents {
  stateChanged(): void;
  /** A window slot may have opened (bound, an answer arrived, the link went idle). */
  slotFreed(): void;
  /** Takes a DELIVER or REPORT the SMG sent on this link instead of its own. */
  inbound: Inbound;
  problem(kind: ProblemKind, message: string): void;
  reconnecting(): void;
  /** A bodiless response came with a body and was read without it (codec.ts `decodeSgipLenient`). */
  lenient(command: string, ignored: number): void;
}

export interface ConnectionContext {
  config: GatewayConfig & { sgip: SgipOptions };
  clock: Clock;
  logger: Logger;
  random: () => number;
  /** One per gateway: every SUBMIT of the gateway has its own triple (its carrierMsgId). */
  sequencer: SgipSequencer;
  events: ConnectionEvents;
}

export interface Submitted {
  sequence: SgipSequence;
  answer: Promise<RequestResult<SubmitResp>>;
}

export class SgipConnection {
  private readonly machine: StateMachine<ConnectionState>;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly delivering = new Set<Promise<void>>();
  private link: SgipLink | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private stopping = false;
  /** The last bind succeeded and nothing failed since: an idle link will come back on demand. */
  private healthy = false;

  constructor(
    readonly index: number,
    private readonly ctx: ConnectionContext,
  ) {
    this.log = ctx.logger.child({ conn: index });
    this.machine = new StateMachine(TRANSITIONS, 'closed', (from, to) =>
      this.log.debug({ from, to }, 'SGIP 连接状态 connection state'),
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

  /** Outstanding commands allowed: the configured window, at most 32 (§3.1). */
  get windowSize(): number {
    return Math.max(1, Math.min(this.ctx.config.window, SGIP_MAX_WINDOW));
  }

  /** Free window slots now; 0 unless bound. */
  get free(): number {
    return this.machine.state === 'bound' && this.link ? this.link.window.free : 0;
  }

  get inFlight(): number {
    return this.link?.window.size ?? 0;
  }

  /** Bound, or healthy and able to bind on demand: counts as a link of the gateway. */
  get ready(): boolean {
    const s = this.machine.state;
    return s === 'bound' || (this.healthy && s !== 'closed');
  }

  /** Slots this connection offers now or once a bind under way completes. */
  get prospect(): number {
    const s = this.machine.state;
    if (s === 'bound') return this.free;
    return this.healthy && (s === 'connecting' || s === 'binding') ? this.windowSize : 0;
  }

  start(): void {
    this.open();
  }

  /** Parts wait: an idle link binds again. */
  wake(): void {
    if (this.machine.state === 'idle' && !this.stopping) this.open();
  }

  /**
   * Writes one SUBMIT and answers its triple and how it ended, or null when there is no free slot
   * on a bound link. Throws `ERR_PROTOCOL_ENCODE` before writing anything when it cannot be encoded.
   */
  submit(body: SubmitBody): Submitted | null {
    const link = this.link;
    if (this.machine.state !== 'bound' || !link || link.window.free <= 0) return null;
    const sequence = this.ctx.sequencer.next();
    link.send({ ...body, ...sequenceFields(sequence) });
    return { sequence, answer: link.window.track(sequence.counter, this.ctx.config.requestTimeoutMs) };
  }

  /** Stops reconnecting; when bound, lets the window drain (bounded), says UNBIND, closes. */
  async close(drainMs: number): Promise<void> {
    this.stopping = true;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = null;
    const link = this.link;
    if (!link) {
      if (this.machine.state === 'idle') this.move('closed');
      return;
    }
    const closed = link.ended();
    if (this.machine.state === 'bound') {
      await waitAtMost(this.ctx.clock, Promise.all([link.window.drained(), ...this.delivering]), drainMs);
      // The link may have gone meanwhile (the SMG unbound, a drop): then there is nobody to tell.
      if (this.link === link && this.state === 'bound') this.unbind(link, 'closed');
    } else if (this.machine.state !== 'unbinding') {
      this.end(link, 'closed', null);
    }
    await closed;
  }

  private move(to: ConnectionState): void {
    const from = this.machine.state;
    if (!this.machine.to(to))
      this.log.error({ from, to }, 'SGIP 连接状态转换非法 illegal connection state transition');
    this.ctx.events.stateChanged();
  }

  private open(): void {
    if (this.stopping) return;
    const { host, port, requestTimeoutMs } = this.ctx.config;
    this.move('connecting');
    const link: SgipLink = new SgipLink({ host, port }, this.windowSize, this.ctx.clock, {
      connected: () => this.bind(link),
      pdu: (pdu) => this.handle(link, pdu),
      // §3.7.2.4.2: a client that gets a malformed answer drops the link and connects anew.
      malformed: (message) => this.end(link, 'closed', { kind: 'protocol', message }),
      lenient: (command, ignored) => this.ctx.events.lenient(command, ignored),
      lost: (message) => this.lost(link, message),
    });
    this.link = link;
    link.timers.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.end(link, 'closed', { kind: 'network', message: `连接超时 connect timed out (${host}:${port})` }),
    );
  }

  /** BIND with Login Type 1 and the clear-text password (§4.2.3.1.1). */
  private bind(link: SgipLink): void {
    if (link.closed) return;
    link.timers.setup?.cancel();
    this.move('binding');
    const { account, secret, requestTimeoutMs } = this.ctx.config;
    link.bindSeq = this.ctx.sequencer.next();
    const sent = this.send(link, {
      command: 'SGIP_BIND',
      ...sequenceFields(link.bindSeq),
      loginType: LOGIN_TYPE.spToSmg,
      loginName: account,
      loginPassword: secret,
    });
    if (!sent) return;
    link.timers.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.end(link, 'closed', { kind: 'network', message: 'BIND_RESP 超时 no BIND_RESP in time' }),
    );
  }

  /** Encodes and writes; a PDU we cannot encode is a local fault that ends the link. */
  private send(link: SgipLink, pdu: SgipPdu): boolean {
    try {
      link.send(pdu);
      return true;
    } catch (err) {
      const message = `无法编码 cannot encode ${pdu.command}: ${err instanceof Error ? err.message : String(err)}`;
      this.end(link, 'closed', { kind: 'protocol', message });
      return false;
    }
  }

  private handle(link: SgipLink, pdu: SgipPdu): void {
    const state = this.machine.state;
    const seq = sequenceOf(pdu);
    switch (pdu.command) {
      case 'SGIP_BIND_RESP':
        if (state === 'binding' && link.bindSeq && sameSequence(seq, link.bindSeq))
          this.bound(link, pdu.result);
        else this.log.warn({ seq, state }, '多余的 BIND_RESP unexpected BIND_RESP');
        return;
      case 'SGIP_SUBMIT_RESP':
        if (pdu.sequenceNode !== this.ctx.sequencer.node || !link.window.answer(pdu.sequenceCounter, pdu))
          this.log.warn({ seq }, '迟到或未知的 SUBMIT_RESP late or unknown SUBMIT_RESP');
        else this.ctx.events.slotFreed();
        return;
      case 'SGIP_UNBIND':
        // The SMG ends the session (§3.7.2.4.2 note: accept it and disconnect); answers in flight are lost.
        this.send(link, { command: 'SGIP_UNBIND_RESP', ...sequenceFields(seq) });
        this.end(link, 'idle', null, true);
        return;
      case 'SGIP_UNBIND_RESP':
        if (state === 'unbinding' && link.unbindSeq && sameSequence(seq, link.unbindSeq))
          this.end(link, link.after, null);
        return;
      case 'SGIP_DELIVER':
      case 'SGIP_REPORT':
        if (state === 'bound' || state === 'unbinding') this.deliver(link, pdu);
        else this.log.warn({ state, command: pdu.command }, '未绑定时收到报文 PDU before bind, ignored');
        return;
      case 'SGIP_BIND':
      case 'SGIP_SUBMIT':
      case 'SGIP_TRACE': {
        // §3.7.2.4.2: a well-formed command we do not serve gets its response with an error.
        const refusal = refusalOf(pdu);
        if (refusal) this.send(link, refusal);
        return;
      }
      case 'SGIP_DELIVER_RESP':
      case 'SGIP_REPORT_RESP':
      case 'SGIP_TRACE_RESP':
        this.log.warn({ command: pdu.command }, 'SP 端不处理此应答 response not expected by an SP, dropped');
        return;
    }
  }

  /** BIND_RESP (§4.2.3.1.2): Result 0 binds; anything else is a refusal (1: wrong name or password). */
  private bound(link: SgipLink, result: number): void {
    link.timers.setup?.cancel();
    if (result !== 0) {
      const message = `SGIP_BIND 被拒绝 refused: Result ${result} ${sgipCodeReason(result)}`;
      this.end(link, 'closed', { kind: result === 1 ? 'auth' : 'protocol', message });
      return;
    }
    this.backoff.reset();
    this.healthy = true;
    this.move('bound');
    this.log.debug('SGIP 连接已绑定 connection bound');
    this.armIdle(link, this.ctx.config.sgip.idleCloseMs);
    this.ctx.events.slotFreed();
  }

  /** Short connections (§3.1): once idle for idleCloseMs with nothing outstanding, say goodbye. */
  private armIdle(link: SgipLink, ms: number): void {
    link.timers.idle = this.ctx.clock.setTimer(ms, () => {
      link.timers.idle = null;
      const limit = this.ctx.config.sgip.idleCloseMs;
      const idle = this.ctx.clock.now() - link.lastActivity;
      if (link.window.size > 0 || this.delivering.size > 0) this.armIdle(link, limit);
      else if (idle < limit) this.armIdle(link, limit - idle);
      else this.unbind(link, 'idle');
    });
  }

  private unbind(link: SgipLink, after: 'idle' | 'closed'): void {
    this.move('unbinding');
    link.timers.idle?.cancel();
    link.after = after;
    link.unbindSeq = this.ctx.sequencer.next();
    if (!this.send(link, { command: 'SGIP_UNBIND', ...sequenceFields(link.unbindSeq) })) return;
    // An SMG that does not answer the UNBIND is left all the same: nothing is outstanding.
    link.timers.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
      this.end(link, after, null),
    );
  }

  /** A DELIVER or REPORT on this link: answered only after the gateway's handler settled (gateway.ts). */
  private deliver(link: SgipLink, pdu: Deliver | Report): void {
    const done = this.ctx.events.inbound.answer(pdu).then((resp) => {
      if (link.closed) return; // the SMG sends it again on another link
      this.send(link, resp);
    });
    this.delivering.add(done);
    void done.finally(() => this.delivering.delete(done));
  }

  /** The socket went away by itself: orderly when we were leaving or nothing was outstanding. */
  private lost(link: SgipLink, message: string): void {
    if (link.closed) return;
    const state = this.machine.state;
    if (state === 'unbinding') this.end(link, link.after, null);
    // §3.1: the SMG may drop a link idle for 60 s; nothing was lost, so the link is simply idle.
    else if (state === 'bound' && link.window.size === 0) this.end(link, 'idle', null);
    else this.end(link, 'closed', { kind: 'network', message });
  }

  /**
   * Ends the link: in-flight requests become `lost`, every timer stops, the socket closes (after
   * flushing a last PDU when `flush`). A problem makes the link unhealthy and brings it back after a
   * backoff delay; without one it goes where `next` says.
   */
  private end(
    link: SgipLink,
    next: 'idle' | 'closed',
    problem: { kind: ProblemKind; message: string } | null,
    flush = false,
  ): void {
    if (link.closed) return;
    link.end(problem?.message ?? 'SGIP 连接已结束 link ended', flush);
    if (this.link === link) this.link = null;
    if (problem) {
      this.healthy = false;
      this.log.warn({ kind: problem.kind }, `SGIP 连接断开 connection dropped: ${problem.message}`);
      this.ctx.events.problem(problem.kind, problem.message);
    }
    const to = this.stopping || problem ? 'closed' : next;
    this.move(to);
    if (to === 'closed' && !this.stopping) this.scheduleReconnect();
    else this.ctx.events.slotFreed();
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.next();
    this.log.info(
      { delayMs: delay, attempt: this.backoff.attempts },
      'SGIP 稍后重连 reconnecting after backoff',
    );
    this.reconnectTimer = this.ctx.clock.setTimer(delay, () => {
      this.reconnectTimer = null;
      this.ctx.events.reconnecting();
      this.open();
    });
  }
}
