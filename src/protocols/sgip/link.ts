/**
 * One socket's life on an SP → SMG connection (connection.ts): the TCP socket with its framer, the
 * window of SUBMITs awaiting an answer and the timers that belong to this socket alone. Decoded
 * PDUs, malformed bytes and the socket going away are reported to the connection, which owns the
 * state machine; `end` drops everything at once: requests in flight become `lost`, timers stop.
 */
import { connect, type Socket } from 'node:net';
import type { Framer } from '../codec/framer.js';
import type { Clock, TimerHandle } from '../session/clock.js';
import { RequestTracker } from '../session/request-tracker.js';
import { createTickWriter, STALL_DROP_MS } from '../session/tick-writer.js';
import type { SubmitResp } from './client-mapping.js';
import { createSgipFramer, decodeSgipLenient, encodeSgip, type SgipPdu } from './codec.js';
import type { SgipSequence } from './sequence.js';

export interface LinkEvents {
  connected(): void;
  pdu(pdu: SgipPdu): void;
  /** Bytes that do not frame or decode (§3.7.2.4.2: the client drops such a link). */
  malformed(message: string): void;
  /** A bodiless response came with a body, read without it (codec.ts `decodeSgipLenient`). */
  lenient?(command: string, ignored: number): void;
  /** The socket failed or the peer closed it. */
  lost(message: string): void;
}

export class SgipLink {
  readonly window: RequestTracker<SubmitResp>;
  readonly timers: { setup: TimerHandle | null; idle: TimerHandle | null } = { setup: null, idle: null };
  closed = false;
  bindSeq: SgipSequence | null = null;
  unbindSeq: SgipSequence | null = null;
  /** Where an orderly UNBIND leads: idle when we stopped for idleness, closed when the gateway closes. */
  after: 'idle' | 'closed' = 'idle';
  /** Last PDU either way; the idle close counts from it. */
  lastActivity: number;
  private readonly socket: Socket;
  private readonly write: (frame: Buffer) => void;
  private readonly framer: Framer = createSgipFramer();
  private readonly waiters: (() => void)[] = [];

  constructor(
    target: { host: string; port: number },
    windowSize: number,
    private readonly clock: Clock,
    private readonly events: LinkEvents,
  ) {
    // Keyed by the counter of each SUBMIT's triple: unique per gateway until it wraps at 2^32.
    this.window = new RequestTracker<SubmitResp>(windowSize, clock);
    this.lastActivity = clock.now();
    this.socket = connect(target);
    this.socket.setNoDelay(true);
    this.write = createTickWriter(this.socket, { dropAfterStallMs: STALL_DROP_MS });
    const where = `${target.host}:${target.port}`;
    this.socket.on('connect', () => events.connected());
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => events.lost(`${where} ${err.message}`));
    this.socket.on('close', () => events.lost('对端关闭连接 peer closed the connection'));
  }

  /** Encodes and writes; throws `ERR_PROTOCOL_ENCODE` (writing nothing) when the PDU does not encode. */
  send(pdu: SgipPdu): void {
    const frame = encodeSgip(pdu);
    this.lastActivity = this.clock.now();
    this.write(frame);
  }

  /** Resolves once the link has ended. */
  ended(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops the link: in flight → `lost(reason)`, timers stop, the socket closes (after flushing when `flush`). */
  end(reason: string, flush: boolean): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of Object.values(this.timers)) t?.cancel();
    this.window.failAll(reason);
    if (flush) this.socket.end(() => this.socket.destroy());
    else this.socket.destroy();
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private receive(chunk: Buffer): void {
    const pushed = this.framer.push(chunk);
    for (const frame of pushed.frames) {
      if (this.closed) return; // a previous frame ended the link
      const { result: decoded, ignored } = decodeSgipLenient(frame);
      if (!decoded.ok) {
        const head = frame.subarray(0, 64).toString('hex');
        const { code, message } = decoded.error;
        this.events.malformed(`无法解析 cannot decode a PDU from the SMG: ${code} ${message} [${head}]`);
        return;
      }
      this.lastActivity = this.clock.now();
      if (ignored > 0) this.events.lenient?.(decoded.value.command, ignored);
      this.events.pdu(decoded.value);
    }
    if (!pushed.ok && !this.closed)
      this.events.malformed(`报文分帧失败 framing lost: ${pushed.error.code} ${pushed.error.message}`);
  }
}
