/**
 * The simulated SMG's own connection to the SP (SGIP 1.2 §3.7.2, SMG → SP direction; docs/protocols.md §2):
 * reports and uplinks go out as REPORT and DELIVER on a link the SMG opens to the platform's
 * listener (options.peer) and binds with Login Type 2.
 *
 * To the simulator core it is one permanent `OutboundLink` (id 0): every report and uplink owed to
 * the SP is handed to it at once, and it keeps each until the SP answers it. Its socket comes and
 * goes:
 *
 *   closed ──items waiting──▶ connecting ──TCP up, BIND sent──▶ binding ──Result 0──▶ bound
 *   bound ──nothing outstanding for idleCloseMs──▶ unbinding ──UNBIND_RESP or timeout──▶ closed
 *   any ──error, refusal, a bad PDU, no answer within responseTimeoutMs (§3.1: 30 s)──▶ closed
 *
 * A link lost with items unanswered sends them again, unchanged and with the same triple, once
 * bound anew after a backoff delay (§3.1: the client resends an unanswered command). At most 32
 * commands await an answer at once (§3.1). An item the SP refuses (Result ≠ 0) goes back to the
 * core, which holds it until the next bind, so a platform that keeps refusing is retried at the
 * backoff's pace, not spun.
 */
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import { createBackoff, type Backoff } from '../session/backoff.js';
import { createTickWriter } from '../session/tick-writer.js';
import type { OutgoingPayload, SimulatorCore } from '../simulator/core.js';
import type { OutboundItem, OutboundLink } from '../simulator/outbound.js';
import { createSgipFramer, decodeSgip, encodeSgip, type SgipPdu } from './codec.js';
import { LOGIN_TYPE, sgipCodeReason } from './codes.js';
import { SGIP_MAX_WINDOW } from './connection.js';
import { refusalOf } from './refusal.js';
import { sameSequence, sequenceFields, sequenceOf, sgipSequenceText, type SgipSequence } from './sequence.js';
import { moDeliver, reportPdu } from './simulator-pdus.js';

type Item = OutboundItem<OutgoingPayload<SgipSequence>>;

export interface PeerTuning {
  idleCloseMs: number;
  responseTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

export interface PeerOptions {
  peer: { host: string; port: number; account: string; secret: string };
  core: SimulatorCore<SgipSequence>;
  logger: Logger;
  reportFilter: ReportFilter;
  tuning: PeerTuning;
}

/** ReportFlag 0 (§4.2.3.3.1): "report only when it finally fails" — the successes are not sent. */
export class ReportFilter {
  private readonly failuresOnly = new Map<string, number>();

  onlyFailures(submit: string, destinations: number): void {
    this.failuresOnly.set(submit, (this.failuresOnly.get(submit) ?? 0) + destinations);
  }

  /** Whether the report is left unsent; each destination of such a SUBMIT is asked once. */
  skip(report: { msgId: SgipSequence; stat: string }): boolean {
    const key = sgipSequenceText(report.msgId);
    const left = this.failuresOnly.get(key);
    if (left === undefined) return false;
    if (left <= 1) this.failuresOnly.delete(key);
    else this.failuresOnly.set(key, left - 1);
    return report.stat === 'DELIVRD';
  }

  clear(): void {
    this.failuresOnly.clear();
  }
}

interface Entry {
  item: Item;
  pdu: SgipPdu;
  /** Written on the current socket, awaiting its answer since then. */
  sentAt: number | null;
  /** Times written; the core counted the first. */
  writes: number;
}

interface Session {
  socket: Socket;
  write: (frame: Buffer) => void;
  closed: boolean;
  state: 'connecting' | 'binding' | 'bound' | 'unbinding';
  bindSeq: SgipSequence;
  unbindSeq: SgipSequence | null;
  /** Sequence text of each command written → its entry. */
  awaiting: Map<string, Entry>;
  lastActivity: number;
}

export class SgipPeerLink implements OutboundLink<OutgoingPayload<SgipSequence>> {
  readonly id = 0;
  private readonly entries: Entry[] = [];
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private session: Session | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  private onStopped: (() => void) | null = null;

  constructor(private readonly options: PeerOptions) {
    this.log = options.logger.child({ side: 'smg-to-sp', peer: `${options.peer.host}:${options.peer.port}` });
    this.backoff = createBackoff({
      minMs: options.tuning.reconnectMinMs,
      maxMs: options.tuning.reconnectMaxMs,
    });
  }

  /** The core hands over a report or an uplink: it goes out now, or once a link is bound. */
  write(item: Item): void {
    const payload = item.payload;
    if (payload.kind === 'report' && this.options.reportFilter.skip(payload.report)) {
      this.options.core.outbound.ack(item.id, this.id);
      return;
    }
    const pdu = payload.kind === 'report' ? reportPdu(payload.report) : moDeliver(payload.mo);
    this.entries.push({ item, pdu, sentAt: null, writes: 0 });
    this.kick();
  }

  /** Simulator shutdown: UNBIND when bound, then close; nothing reconnects afterwards. */
  shutdown(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const session = this.session;
    if (!session) return Promise.resolve();
    const stopped = new Promise<void>((resolve) => (this.onStopped = resolve));
    if (session.state === 'bound') {
      session.unbindSeq = this.options.core.newId();
      this.send(session, { command: 'SGIP_UNBIND', ...sequenceFields(session.unbindSeq) });
      session.socket.end();
      this.arm(session, 500, () => this.end(session, null));
    } else {
      this.end(session, null);
    }
    return stopped;
  }

  private kick(): void {
    if (this.stopping) return;
    const session = this.session;
    if (session?.state === 'bound') this.flush(session);
    else if (!session && !this.reconnectTimer) this.open();
  }

  private open(): void {
    const { host, port, account, secret } = this.options.peer;
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const session: Session = {
      socket,
      write: createTickWriter(socket),
      closed: false,
      state: 'connecting',
      bindSeq: this.options.core.newId(),
      unbindSeq: null,
      awaiting: new Map(),
      lastActivity: Date.now(),
    };
    this.session = session;
    const framer = createSgipFramer();
    this.arm(session, this.options.tuning.responseTimeoutMs, () =>
      this.end(session, '连接或登录超时 connect or bind timed out'),
    );
    socket.on('connect', () => {
      session.state = 'binding';
      this.send(session, {
        command: 'SGIP_BIND',
        ...sequenceFields(session.bindSeq),
        loginType: LOGIN_TYPE.smgToSp,
        loginName: account,
        loginPassword: secret,
      });
    });
    socket.on('data', (chunk: Buffer) => {
      const framed = framer.push(chunk);
      for (const frame of framed.frames) {
        if (session.closed) return;
        const decoded = decodeSgip(frame);
        if (!decoded.ok) {
          this.end(session, `报文无法解析 undecodable PDU: ${decoded.error.code} ${decoded.error.message}`);
          return;
        }
        session.lastActivity = Date.now();
        this.handle(session, decoded.value);
      }
      if (!framed.ok) this.end(session, `无法分帧 unframeable bytes: ${framed.error.code}`);
    });
    socket.on('error', (err) => this.end(session, err.message));
    socket.on('close', () =>
      this.end(session, session.state === 'unbinding' ? null : '对端关闭 peer closed'),
    );
  }

  private handle(session: Session, pdu: SgipPdu): void {
    const seq = sequenceOf(pdu);
    switch (pdu.command) {
      case 'SGIP_BIND_RESP':
        if (session.state !== 'binding' || !sameSequence(seq, session.bindSeq)) return;
        if (pdu.result !== 0) {
          this.end(
            session,
            `SP 拒绝登录 the SP refused the bind: Result ${pdu.result} ${sgipCodeReason(pdu.result)}`,
          );
          return;
        }
        session.state = 'bound';
        this.log.debug('已登录到 SP bound to the SP');
        // Items the SP refused earlier wait in the core; a fresh bind collects them.
        this.options.core.outbound.bind(this);
        this.flush(session);
        return;
      case 'SGIP_REPORT_RESP':
      case 'SGIP_DELIVER_RESP':
        this.answered(session, sgipSequenceText(seq), pdu.result);
        return;
      case 'SGIP_UNBIND':
        this.send(session, { command: 'SGIP_UNBIND_RESP', ...sequenceFields(seq) });
        session.state = 'unbinding';
        session.socket.end();
        return;
      case 'SGIP_UNBIND_RESP':
        if (session.unbindSeq && sameSequence(seq, session.unbindSeq)) this.end(session, null);
        return;
      case 'SGIP_BIND':
      case 'SGIP_SUBMIT':
      case 'SGIP_DELIVER':
      case 'SGIP_REPORT':
      case 'SGIP_TRACE':
      case 'SGIP_SUBMIT_RESP':
      case 'SGIP_TRACE_RESP': {
        const refusal = refusalOf(pdu);
        if (refusal) this.send(session, refusal);
        return;
      }
    }
  }

  private answered(session: Session, key: string, result: number): void {
    const entry = session.awaiting.get(key);
    if (!entry) return;
    session.awaiting.delete(key);
    this.entries.splice(this.entries.indexOf(entry), 1);
    const { outbound } = this.options.core;
    if (result === 0) {
      outbound.ack(entry.item.id, this.id);
      this.backoff.reset(); // progress: the SP takes what it is sent
    } else {
      this.log.info({ result }, 'SP 未接受 the SP refused a report or uplink; it waits for the next bind');
      outbound.nack(entry.item.id, this.id);
    }
    this.flush(session);
  }

  /** Writes what waits, up to 32 awaiting answers (§3.1); with nothing left, idles towards UNBIND. */
  private flush(session: Session): void {
    // The core was reset: what it no longer owes is not sent.
    if (this.options.core.outbound.pending() === 0) this.entries.length = 0;
    for (const entry of this.entries) {
      if (session.awaiting.size >= SGIP_MAX_WINDOW) break;
      if (entry.sentAt !== null) continue;
      entry.sentAt = Date.now();
      session.awaiting.set(sgipSequenceText(sequenceOf(entry.pdu)), entry);
      if (entry.writes++ > 0)
        this.options.core.count(entry.item.kind === 'report' ? 'reportsSent' : 'uplinksSent');
      this.send(session, entry.pdu);
    }
    this.watch(session);
  }

  /** One timer per link: the oldest answer overdue ends the link; nothing outstanding for long unbinds. */
  private watch(session: Session): void {
    const { responseTimeoutMs, idleCloseMs } = this.options.tuning;
    if (session.awaiting.size > 0) {
      let oldest = Number.POSITIVE_INFINITY;
      for (const e of session.awaiting.values()) oldest = Math.min(oldest, e.sentAt ?? oldest);
      this.arm(session, Math.max(0, oldest + responseTimeoutMs - Date.now()), () =>
        this.end(session, `${responseTimeoutMs} ms 内无应答 no answer in time`),
      );
    } else {
      this.arm(session, Math.max(0, session.lastActivity + idleCloseMs - Date.now()), () => {
        if (session.awaiting.size > 0 || this.entries.some((e) => e.sentAt === null)) this.watch(session);
        else if (Date.now() - session.lastActivity < idleCloseMs) this.watch(session);
        else this.unbind(session);
      });
    }
  }

  private unbind(session: Session): void {
    session.state = 'unbinding';
    session.unbindSeq = this.options.core.newId();
    this.send(session, { command: 'SGIP_UNBIND', ...sequenceFields(session.unbindSeq) });
    this.arm(session, this.options.tuning.responseTimeoutMs, () => this.end(session, null));
  }

  private arm(session: Session, ms: number, fn: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!session.closed) fn();
    }, ms);
  }

  /** Ends the socket; unanswered items are sent again on the next link. `problem` null = orderly. */
  private end(session: Session, problem: string | null): void {
    if (session.closed) return;
    session.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    session.socket.destroy();
    if (this.session === session) this.session = null;
    for (const entry of session.awaiting.values()) entry.sentAt = null;
    if (problem) this.log.warn(`到 SP 的连接断开 link to the SP dropped: ${problem}`);
    if (this.stopping) {
      this.onStopped?.();
      return;
    }
    // Items left (or refused ones the core holds) come back after a delay; none left, none opened.
    const owed = this.entries.length > 0 || this.options.core.outbound.pending() > 0;
    if (!owed) return;
    const delay = problem || this.entries.length === 0 ? this.backoff.next() : 0;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.kick();
    }, delay);
  }

  private send(session: Session, pdu: SgipPdu): void {
    try {
      session.write(encodeSgip(pdu));
    } catch (err) {
      this.log.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
    }
  }
}
