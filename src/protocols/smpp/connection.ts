/**
 * One TCP connection of an SMPP gateway, ESME side, bound as transceiver, transmitter or receiver
 * (SMPP 3.4 §2.2–§2.3; README §4), as a state machine:
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, bind_* sent──▶ binding
 *   binding ──bind_*_resp ESME_ROK──▶ bound
 *   bound ──close(): window drained (bounded), unbind sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refused bind, peer unbind,
 *                                              3 enquire_links unanswered, unbind_resp──▶ closed
 *
 * Each visit to `connecting` opens a fresh socket with its own framer, window and timers; leaving
 * for `closed` ends them all: submits in flight are answered `lost`, every timer is cancelled. From
 * `closed` the connection comes back after a backoff delay unless the gateway is closing.
 * Keepalive: enquire_link after `keepaliveMs` without an inbound PDU, resent after each unanswered
 * `requestTimeoutMs`, link dropped after 3 (§4.11). A deliver_sm (or data_sm) is answered only after
 * the gateway's handler settled. Peer bytes: a framing error drops the link; an unknown command_id
 * or a request whose body does not decode gets generic_nack and the link stays (§4.3); a response
 * that does not decode drops the link. No byte logic here: PDUs come from the codec.
 */
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../log.js';
import type { Framer } from '../codec/framer.js';
import type { DecodeError } from '../codec/result.js';
import { createBackoff, type Backoff } from '../session/backoff.js';
import { waitAtMost, type TimerHandle } from '../session/clock.js';
import { Keepalive } from '../session/keepalive.js';
import { RequestTracker, SequenceCounter, type RequestResult } from '../session/request-tracker.js';
import { StateMachine } from '../session/state-machine.js';
import { createTickWriter } from '../session/tick-writer.js';
import type { SubmitAnswer, SubmitBody } from './client-mapping.js';
import { createSmppFramer, decodeSmpp, encodeSmpp, type SmppPdu } from './codec.js';
import { commandStatusReason, STATUS } from './codes.js';
import {
  KEEPALIVE_TRIES,
  MAX_SEQUENCE,
  TRANSITIONS,
  type ConnectionContext,
  type ConnectionState,
  type ProblemKind,
} from './connection-context.js';
import { bindPduOf, deliveredOf, undecodableVerdict } from './esme-pdus.js';

export type { BindKind, ConnectionEvents, ConnectionState, ProblemKind } from './connection-context.js';

/** What one socket's life holds; dropped whole when the connection leaves for `closed`. */
interface Link {
  socket: Socket;
  write: (frame: Buffer) => void;
  framer: Framer;
  window: RequestTracker<SubmitAnswer>;
  closed: boolean;
  onClosed: (() => void)[];
  bindSeq: number;
  unbindSeq: number;
  /** Connect, bind or unbind timeout, whichever step is running. */
  setup: TimerHandle | null;
  keepalive: Keepalive | null;
}

export class SmppConnection {
  private readonly machine: StateMachine<ConnectionState>;
  private readonly backoff: Backoff;
  private readonly seq = new SequenceCounter(0, MAX_SEQUENCE);
  private readonly log: Logger;
  private readonly delivering = new Set<Promise<void>>();
  private link: Link | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private stopping = false;

  constructor(
    readonly index: number,
    private readonly ctx: ConnectionContext,
  ) {
    this.log = ctx.logger.child({ conn: index, bind: ctx.kind });
    this.machine = new StateMachine(TRANSITIONS, 'closed', (from, to) =>
      this.log.debug({ from, to }, 'SMPP 连接状态 connection state'),
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

  /** Whether this bind may submit (a receiver may not, §2.2). */
  get submits(): boolean {
    return this.ctx.kind !== 'receiver';
  }

  /** Free window slots; 0 unless bound and able to submit. */
  get free(): number {
    return this.submits && this.machine.state === 'bound' && this.link ? this.link.window.free : 0;
  }

  get inFlight(): number {
    return this.link?.window.size ?? 0;
  }

  start(): void {
    this.open();
  }

  /**
   * Writes one submit_sm and answers how it ended, or null when there is no free slot on a bound
   * link. Throws `ERR_PROTOCOL_ENCODE` before writing anything when the body cannot be encoded.
   */
  submit(body: SubmitBody): Promise<RequestResult<SubmitAnswer>> | null {
    const link = this.link;
    if (this.free <= 0 || !link) return null;
    const sequenceNumber = this.seq.next();
    const frame = encodeSmpp({ ...body, sequenceNumber });
    const answer = link.window.track(sequenceNumber, this.ctx.config.requestTimeoutMs);
    link.write(frame);
    return answer;
  }

  /** Stops reconnecting; when bound, lets the window drain (bounded), says unbind, closes. */
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
    this.send(link, { command: 'unbind', commandStatus: 0, sequenceNumber: link.unbindSeq });
    link.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
      this.drop(link, null, 'no unbind_resp'),
    );
    await closed;
  }

  private move(to: ConnectionState): void {
    const from = this.machine.state;
    if (!this.machine.to(to))
      this.log.error({ from, to }, 'SMPP 连接状态转换非法 illegal connection state transition');
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
      framer: createSmppFramer(),
      window: new RequestTracker<SubmitAnswer>(this.ctx.config.window, this.ctx.clock),
      closed: false,
      onClosed: [],
      bindSeq: 0,
      unbindSeq: 0,
      setup: null,
      keepalive: null,
    };
    this.link = link;
    link.setup = this.ctx.clock.setTimer(requestTimeoutMs, () =>
      this.drop(link, 'network', `连接超时 connect timed out (${host}:${port})`),
    );
    socket.on('connect', () => this.bind(link));
    socket.on('data', (chunk: Buffer) => this.receive(link, chunk));
    socket.on('error', (err) => this.drop(link, 'network', `${host}:${port} ${err.message}`));
    socket.on('close', () => this.drop(link, 'network', '对端关闭连接 peer closed the connection'));
  }

  /** bind_* with system_id / password / system_type in clear (§4.1; README §4.3). */
  private bind(link: Link): void {
    if (link.closed) return;
    link.setup?.cancel();
    this.move('binding');
    link.bindSeq = this.seq.next();
    const sent = this.send(link, bindPduOf(this.ctx.kind, link.bindSeq, this.ctx.config, this.ctx.options));
    if (!sent) return;
    link.setup = this.ctx.clock.setTimer(this.ctx.config.requestTimeoutMs, () =>
      this.drop(link, 'network', 'bind_resp 超时 no bind response in time'),
    );
  }

  /** Encodes and writes; a PDU we cannot encode (a password over 8 characters, say) ends the link. */
  private send(link: Link, pdu: SmppPdu): boolean {
    try {
      link.write(encodeSmpp(pdu));
      return true;
    } catch (err) {
      this.drop(
        link,
        pdu.command.startsWith('bind_') ? 'auth' : 'protocol',
        `无法编码 cannot encode ${pdu.command}: ${err instanceof Error ? err.message : String(err)}`,
      );
      return false;
    }
  }

  private nack(link: Link, sequenceNumber: number, status: number): void {
    this.send(link, { command: 'generic_nack', commandStatus: status, sequenceNumber });
  }

  private receive(link: Link, chunk: Buffer): void {
    if (link.closed) return;
    const pushed = link.framer.push(chunk);
    for (const frame of pushed.frames) {
      if (this.link !== link) return; // a previous frame ended the link
      const decoded = decodeSmpp(frame);
      link.keepalive?.alive(); // any inbound PDU proves the link alive
      if (decoded.ok) this.handle(link, decoded.value);
      else this.undecodable(link, frame, decoded.error);
    }
    if (!pushed.ok)
      this.drop(link, 'protocol', `报文分帧失败 framing lost: ${pushed.error.code} ${pushed.error.message}`);
  }

  /** Framing holds, the PDU does not: generic_nack a request, drop on a broken response (esme-pdus.ts). */
  private undecodable(link: Link, frame: Buffer, error: DecodeError): void {
    const verdict = undecodableVerdict(frame, error, 'SMSC');
    if (verdict.kind === 'drop') {
      this.drop(link, 'protocol', verdict.message);
      return;
    }
    this.log.warn({ error }, 'SMSC 报文无法处理，回 generic_nack undecodable PDU answered with generic_nack');
    this.nack(link, verdict.sequenceNumber, verdict.status);
  }

  private handle(link: Link, pdu: SmppPdu): void {
    const state = this.machine.state;
    switch (pdu.command) {
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
        if (state === 'binding' && pdu.sequenceNumber === link.bindSeq) this.bound(link, pdu.commandStatus);
        else this.log.warn({ seq: pdu.sequenceNumber, state }, '多余的 bind_resp unexpected bind response');
        return;
      case 'submit_sm_resp':
        if (!link.window.answer(pdu.sequenceNumber, pdu))
          this.log.warn(
            { seq: pdu.sequenceNumber },
            '迟到或未知的 submit_sm_resp late or unknown submit_sm_resp',
          );
        return;
      case 'generic_nack':
        this.nacked(link, pdu);
        return;
      case 'deliver_sm':
      case 'data_sm':
        this.delivered(link, pdu);
        return;
      case 'enquire_link':
        this.send(link, {
          command: 'enquire_link_resp',
          commandStatus: 0,
          sequenceNumber: pdu.sequenceNumber,
        });
        return;
      case 'enquire_link_resp':
        return; // the keepalive already counted it
      case 'unbind':
        this.send(link, { command: 'unbind_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        this.drop(link, 'network', 'SMSC 发来 unbind the SMSC unbound the connection', true);
        return;
      case 'unbind_resp':
        if (state === 'unbinding' && pdu.sequenceNumber === link.unbindSeq) this.drop(link, null, 'unbound');
        return;
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'submit_sm':
      case 'query_sm':
        // An SMSC's requests only; an ESME serves none of them (§4.3: generic_nack).
        this.nack(link, pdu.sequenceNumber, STATUS.invalidCommandId);
        return;
      case 'deliver_sm_resp':
      case 'data_sm_resp':
      case 'query_sm_resp':
        this.log.warn(
          { command: pdu.command },
          'ESME 未发出对应请求 response to no request of ours, ignored',
        );
        return;
    }
  }

  /** bind_*_resp (§4.1.2): ESME_ROK binds; any other status is a refusal (RINVPASWD, RINVSYSID, …). */
  private bound(link: Link, status: number): void {
    link.setup?.cancel();
    if (status !== STATUS.ok) {
      this.drop(link, 'auth', `bind 被拒绝 refused: ${commandStatusReason(status)}`);
      return;
    }
    this.backoff.reset();
    this.move('bound');
    this.log.info('SMPP 连接已绑定 connection bound');
    link.keepalive = this.keepalive(link);
    link.keepalive.start();
    this.ctx.events.slotFreed();
  }

  /** A generic_nack answers whichever request carried its sequence_number. */
  private nacked(link: Link, pdu: SmppPdu & { command: 'generic_nack' }): void {
    if (link.window.answer(pdu.sequenceNumber, pdu)) return;
    if (this.machine.state === 'binding' && pdu.sequenceNumber === link.bindSeq) {
      this.bound(link, pdu.commandStatus === STATUS.ok ? STATUS.invalidCommandId : pdu.commandStatus);
      return;
    }
    this.log.warn({ seq: pdu.sequenceNumber, status: pdu.commandStatus }, 'SMSC 发来 generic_nack');
  }

  /** enquire_link after an idle spell, the link dropped after 3 unanswered (§4.11). */
  private keepalive(link: Link): Keepalive {
    const { keepaliveMs, requestTimeoutMs } = this.ctx.config;
    return new Keepalive({
      clock: this.ctx.clock,
      idleMs: keepaliveMs,
      timeoutMs: requestTimeoutMs,
      tries: KEEPALIVE_TRIES,
      probe: () =>
        !link.closed &&
        this.send(link, { command: 'enquire_link', commandStatus: 0, sequenceNumber: this.seq.next() }),
      dead: () =>
        this.drop(
          link,
          'keepalive',
          `${KEEPALIVE_TRIES} 次 enquire_link 无应答 enquire_link unanswered ${KEEPALIVE_TRIES} times`,
        ),
    });
  }

  /**
   * deliver_sm / data_sm: to the gateway when bound to receive; the response goes out only after
   * the handler settled (gateway.ts), on the link the PDU came on. A transmitter bind is not sent
   * these (§2.2); one that is answers ESME_RINVBNDSTS.
   */
  private delivered(link: Link, pdu: SmppPdu & { command: 'deliver_sm' | 'data_sm' }): void {
    const respond = pdu.command === 'deliver_sm' ? 'deliver_sm_resp' : 'data_sm_resp';
    const answer = (status: number): void => {
      if (link.closed) {
        this.log.warn(
          { seq: pdu.sequenceNumber },
          '连接已断开，未发送响应 link gone before the response; the SMSC will deliver again',
        );
        return;
      }
      // message_id is unused in deliver_sm_resp and set to NULL (§4.6.2).
      this.send(link, {
        command: respond,
        commandStatus: status,
        sequenceNumber: pdu.sequenceNumber,
        messageId: '',
      });
    };
    const state = this.machine.state;
    if (this.ctx.kind === 'transmitter' || (state !== 'bound' && state !== 'unbinding')) {
      answer(STATUS.invalidBindStatus);
      return;
    }
    const delivered = deliveredOf(pdu);
    const done = this.ctx.events.deliver(delivered).then(answer, () => answer(STATUS.systemError));
    this.delivering.add(done);
    void done.finally(() => this.delivering.delete(done));
  }

  /**
   * Ends the link: in-flight submits become `lost`, every timer stops, the socket closes (after
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
      this.log.warn({ kind }, `SMPP 连接断开 connection dropped: ${message}`);
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
      'SMPP 稍后重连 reconnecting after backoff',
    );
    this.reconnectTimer = this.ctx.clock.setTimer(delay, () => {
      this.reconnectTimer = null;
      this.ctx.events.reconnecting();
      this.open();
    });
  }
}
