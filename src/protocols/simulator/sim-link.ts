/**
 * What every simulated carrier's server side of one connection shares (CMPP, SMGP, SMPP, and
 * SGIP's SP link): the socket with its framer and per-tick writer, the sequence numbers it gives,
 * the reports and uplinks written and waiting for their answer, the goodbye at shutdown, and
 * closing on bytes that do not frame or decode. A protocol adds its login check and its PDU switch.
 *
 * States: login (SMPP: open, before a bind) → bound → closed. Input on a closed link is ignored; what was written without an
 * answer goes back to the core's Outbound, which writes it again on another link.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import type { Framer } from '../codec/framer.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import { SequenceCounter } from '../session/request-tracker.js';
import { createTickWriter } from '../session/tick-writer.js';
import { closeUnlessLoggedIn, type OutgoingPayload, type SimulatorCore } from './core.js';
import type { OutboundItem, OutboundLink } from './outbound.js';

export type SimLinkState = 'login' | 'bound' | 'closed';

/** How long a goodbye may take before the socket is destroyed. */
const GOODBYE_MS = 500;

export abstract class SimLink<Pdu extends { command: string }, Id> implements OutboundLink<
  OutgoingPayload<Id>
> {
  protected state: SimLinkState = 'login';
  protected readonly logger: Logger;
  readonly closed: Promise<void>;
  private readonly sequence: SequenceCounter;
  /** Sequence number of each report or uplink written → the outbound item it carries. */
  private readonly awaiting = new Map<number, number>();
  private readonly writeFrame: (frame: Buffer) => void;

  constructor(
    readonly id: number,
    protected readonly socket: Socket,
    protected readonly core: SimulatorCore<Id>,
    logger: Logger,
    private readonly framer: Framer,
    /** The highest sequence number the protocol allows (SMPP: 0x7FFFFFFF, §5.1.4). */
    maxSequence = 0xffffffff,
  ) {
    this.sequence = new SequenceCounter(0, maxSequence);
    this.writeFrame = createTickWriter(socket);
    this.logger = logger.child({
      link: id,
      remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    });
    core.connectionOpened();
    closeUnlessLoggedIn(socket, core, () => this.state === 'bound');
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.state = 'closed';
        this.awaiting.clear();
        core.connectionClosed(id);
        resolve();
      });
    });
    socket.on('error', (err) => this.logger.debug({ err }, '连接错误 link error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        this.received(chunk);
      } catch (err) {
        // A fault while handling one client's bytes must not take down the links of the others.
        this.logger.error({ err }, '处理报文出错 failed handling a PDU');
        this.drop('内部错误 internal error');
      }
    });
  }

  protected abstract decode(frame: Buffer): DecodeResult<Pdu>;
  /** Throws when the PDU cannot be encoded. */
  protected abstract encode(pdu: Pdu): Buffer;
  protected abstract handle(pdu: Pdu): void;
  /** The PDU that carries a report or an uplink to the client. */
  protected abstract outgoing(sequence: number, payload: OutgoingPayload<Id>): Pdu;
  /** The goodbye a bound client gets when the server shuts down. */
  protected abstract goodbye(sequence: number): Pdu;

  /** A frame that does not decode closes the link; a protocol may answer some instead. */
  protected undecodable(_frame: Buffer, error: DecodeError): void {
    this.drop('报文无法解析 undecodable PDU', error);
  }

  /** Writes a report or an uplink; the client's answer settles it (`settle`). */
  write(item: OutboundItem<OutgoingPayload<Id>>): void {
    const sequence = this.nextSequence();
    if (!this.send(this.outgoing(sequence, item.payload))) {
      this.core.outbound.drop(item.id);
      return;
    }
    this.awaiting.set(sequence, item.id);
  }

  /** Server shutdown: a goodbye to a bound client, then close, destroying after a bounded wait. */
  shutdown(): Promise<void> {
    if (this.state !== 'closed') {
      const bound = this.state === 'bound';
      this.leave();
      if (bound) this.send(this.goodbye(this.nextSequence()));
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), GOODBYE_MS);
      void this.closed.then(() => clearTimeout(timer));
    }
    return this.closed;
  }

  /** The client answered the report or uplink written with `sequence`: taken (`ok`) or to be sent again. */
  protected settle(sequence: number, ok: boolean, answer: string): void {
    const itemId = this.awaiting.get(sequence);
    if (itemId === undefined) {
      this.logger.debug({ sequence }, `未知的应答 unknown ${answer}`);
      return;
    }
    this.awaiting.delete(sequence);
    if (ok) this.core.outbound.ack(itemId, this.id);
    else this.core.outbound.nack(itemId, this.id);
  }

  protected isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Leaves the bound set at once, so nothing more is written here. */
  protected leave(): void {
    this.state = 'closed';
    this.awaiting.clear();
    this.core.outbound.unbind(this.id);
  }

  /** The client ends the session: leave, and close once what was written has gone. */
  protected end(): void {
    this.leave();
    this.socket.end();
  }

  protected drop(why: string, error?: DecodeError): void {
    this.logger.warn({ error }, `断开连接 closing link: ${why}`);
    this.leave();
    this.socket.destroy();
  }

  protected nextSequence(): number {
    return this.sequence.next();
  }

  /**
   * Encodes and writes; false when the PDU cannot be encoded (logged). Writes within one tick are
   * corked together, so a batch of reports or answers leaves in few TCP segments.
   */
  protected send(pdu: Pdu): boolean {
    let frame: Buffer;
    try {
      frame = this.encode(pdu);
    } catch (err) {
      this.logger.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
      return false;
    }
    this.writeFrame(frame);
    return true;
  }

  private received(chunk: Buffer): void {
    if (this.isClosed()) return;
    const framed = this.framer.push(chunk);
    for (const frame of framed.frames) {
      // A PDU earlier in the chunk (a goodbye, a bad login) may have closed the link.
      if (this.isClosed()) return;
      const decoded = this.decode(frame);
      if (decoded.ok) this.handle(decoded.value);
      else this.undecodable(frame, decoded.error);
    }
    if (!framed.ok && !this.isClosed()) this.drop('无法分帧 unframeable bytes', framed.error);
  }
}
