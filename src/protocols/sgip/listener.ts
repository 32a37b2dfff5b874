/**
 * The platform's SGIP listener (SGIP 1.2 §3.7.2; docs/protocols.md §2, §9 item 4): SGIP is bidirectional at the
 * TCP level, so the SMG connects to the SP with Login Type 2 to push uplinks (DELIVER) and status
 * reports (REPORT). The SMG may open several connections at once.
 *
 * Per connection: login → bound → closed.
 * - login: only SGIP_BIND, within requestTimeoutMs. Login Type 2 with exactly smgLogin/smgPassword
 *   binds (Result 0); a wrong type gets Result 4, wrong credentials Result 1, and the link closes.
 *   Anything else first closes the link (§3.7.2.1: "otherwise the connection is broken off").
 * - bound: DELIVER and REPORT go to the gateway, whose answer (the Result) is sent only after the
 *   handler settled; UNBIND is answered and the link closes (§4.2.3.2); other well-formed commands
 *   get their response with an error (§3.7.2.4.2).
 * A PDU that cannot be framed or decoded closes that link (§3.7.2.4.2) and nothing else: the
 * listener goes on. A link idle for long is dropped (§3.1: the server may, after 60 s by default).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import type { SgipOptions } from '../gateway.js';
import { waitAtMost, type Clock, type TimerHandle } from '../session/clock.js';
import { createTickWriter } from '../session/tick-writer.js';
import type { Deliver, Report } from './client-mapping.js';
import { createSgipFramer, decodeSgipLenient, encodeSgip, type SgipPdu, type SgipPduOf } from './codec.js';
import { LOGIN_TYPE, RESULT } from './codes.js';
import type { Inbound } from './inbound.js';
import { refusalOf } from './refusal.js';
import { sequenceFields, sequenceOf, type SgipSequencer } from './sequence.js';

/** §3.1: a server may drop a connection idle for 60 s (the default). */
const SERVER_IDLE_MS = 60_000;

export interface ListenerContext {
  options: SgipOptions;
  requestTimeoutMs: number;
  clock: Clock;
  /** The gateway's: our own UNBIND on a listener link is a command of this node too (§3.4). */
  sequencer: SgipSequencer;
  logger: Logger;
  /** Hands DELIVERs and REPORTs to the platform. */
  inbound: Inbound;
  problem(message: string): void;
  /** A bodiless response came with a body and was read without it (codec.ts `decodeSgipLenient`). */
  lenient(command: string, ignored: number): void;
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
};

class ListenerConnection {
  private state: 'login' | 'bound' | 'closed' = 'login';
  private readonly framer = createSgipFramer();
  private readonly write: (frame: Buffer) => void;
  private readonly log: Logger;
  private readonly pending = new Set<Promise<void>>();
  private timer: TimerHandle | null = null;
  private lastActivity: number;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ListenerContext,
  ) {
    this.write = createTickWriter(socket);
    this.log = ctx.logger.child({ remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` });
    this.lastActivity = ctx.clock.now();
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.leave();
        resolve();
      });
    });
    socket.on('error', (err) => this.log.debug({ err }, 'SGIP 监听连接错误 listener link error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        this.received(chunk);
      } catch (err) {
        // A fault while handling one SMG link must not take down the listener or the others.
        this.log.error({ err }, '处理报文出错 failed handling a PDU');
        this.drop('内部错误 internal error');
      }
    });
    this.timer = ctx.clock.setTimer(ctx.requestTimeoutMs, () => {
      if (this.state === 'login') this.drop('BIND 超时 no BIND in time');
    });
  }

  /** Gateway closing: answers in flight may still go out (bounded), then UNBIND and close. */
  async shutdown(drainMs: number): Promise<void> {
    if (this.state !== 'closed') {
      await waitAtMost(this.ctx.clock, Promise.all([...this.pending]), drainMs);
      if (this.state === 'bound')
        this.send({ command: 'SGIP_UNBIND', ...sequenceFields(this.ctx.sequencer.next()) });
      this.leave();
      this.socket.end(() => this.socket.destroy());
    }
    return this.closed;
  }

  private received(chunk: Buffer): void {
    if (this.isClosed()) return;
    const framed = this.framer.push(chunk);
    for (const frame of framed.frames) {
      // A PDU earlier in the chunk (UNBIND, a refused bind) may have closed the link.
      if (this.isClosed()) return;
      const { result: decoded, ignored } = decodeSgipLenient(frame);
      if (!decoded.ok) {
        this.drop(`报文无法解析 undecodable PDU: ${decoded.error.code} ${decoded.error.message}`);
        return;
      }
      if (ignored > 0) this.ctx.lenient(decoded.value.command, ignored);
      this.lastActivity = this.ctx.clock.now();
      this.handle(decoded.value);
    }
    if (!framed.ok && !this.isClosed())
      this.drop(`无法分帧 unframeable bytes: ${framed.error.code} ${framed.error.message}`);
  }

  private handle(pdu: SgipPdu): void {
    if (this.state === 'login') {
      if (pdu.command === 'SGIP_BIND') this.login(pdu);
      else this.drop(`登录前收到 ${pdu.command} before SGIP_BIND`);
      return;
    }
    const seq = sequenceFields(sequenceOf(pdu));
    switch (pdu.command) {
      case 'SGIP_DELIVER':
      case 'SGIP_REPORT':
        this.answerAfter(pdu);
        return;
      case 'SGIP_UNBIND':
        this.send({ command: 'SGIP_UNBIND_RESP', ...seq });
        this.leave();
        this.socket.end(() => this.socket.destroy());
        return;
      case 'SGIP_UNBIND_RESP':
        this.leave();
        this.socket.end(() => this.socket.destroy());
        return;
      case 'SGIP_BIND':
      case 'SGIP_SUBMIT':
      case 'SGIP_TRACE':
      case 'SGIP_BIND_RESP':
      case 'SGIP_SUBMIT_RESP':
      case 'SGIP_DELIVER_RESP':
      case 'SGIP_REPORT_RESP':
      case 'SGIP_TRACE_RESP': {
        const refusal = refusalOf(pdu);
        if (refusal) this.send(refusal);
        else this.log.warn({ command: pdu.command }, '多余的应答 unexpected response, dropped');
        return;
      }
    }
  }

  /** §4.2.3.1: Login Type 2 (SMG → SP) and the credentials the SMG was given, compared in constant time. */
  private login(pdu: SgipPduOf<'SGIP_BIND'>): void {
    const { smgLogin, smgPassword } = this.ctx.options;
    let result: number = RESULT.ok;
    if (pdu.loginType !== LOGIN_TYPE.smgToSp) result = RESULT.badLoginType;
    else if (!sameText(pdu.loginName, smgLogin) || !sameText(pdu.loginPassword, smgPassword))
      result = RESULT.illegalLogin;
    this.send({ command: 'SGIP_BIND_RESP', ...sequenceFields(sequenceOf(pdu)), result });
    this.timer?.cancel();
    if (result !== RESULT.ok) {
      const message = `SMG 登录被拒 the SMG's bind refused: Login Type ${pdu.loginType}, Result ${result}`;
      this.log.warn({ loginName: pdu.loginName, loginType: pdu.loginType }, message);
      this.ctx.problem(message);
      this.leave();
      this.socket.end(() => this.socket.destroy());
      return;
    }
    this.state = 'bound';
    this.log.debug('SMG 已登录 the SMG bound');
    this.armIdle(this.idleLimit());
  }

  private idleLimit(): number {
    return Math.max(SERVER_IDLE_MS, 2 * this.ctx.options.idleCloseMs);
  }

  private armIdle(ms: number): void {
    this.timer = this.ctx.clock.setTimer(ms, () => {
      this.timer = null;
      const limit = this.idleLimit();
      const idle = this.ctx.clock.now() - this.lastActivity;
      if (this.pending.size > 0) this.armIdle(limit);
      else if (idle < limit) this.armIdle(limit - idle);
      else this.drop('空闲 idle');
    });
  }

  /** The response goes out only once the handler settled, and on the link the request came on. */
  private answerAfter(pdu: Deliver | Report): void {
    const done = this.ctx.inbound.answer(pdu).then((resp) => {
      if (this.isClosed()) {
        this.log.warn('连接已断开，未应答 link gone before the answer; the SMG sends it again');
        return;
      }
      this.lastActivity = this.ctx.clock.now();
      this.send(resp);
    });
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private leave(): void {
    this.state = 'closed';
    this.timer?.cancel();
    this.timer = null;
  }

  private drop(why: string): void {
    this.log.warn(`SGIP 监听连接断开 closing listener link: ${why}`);
    this.leave();
    this.socket.destroy();
  }

  private send(pdu: SgipPdu): void {
    try {
      this.write(encodeSgip(pdu));
    } catch (err) {
      this.log.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
    }
  }
}

export class SgipListener {
  private server: Server | null = null;
  private readonly connections = new Set<ListenerConnection>();
  private listening: Promise<void> | null = null;

  constructor(private readonly ctx: ListenerContext) {}

  get links(): number {
    return this.connections.size;
  }

  /** Listens on listenHost:listenPort; rejects with `ERR_LISTEN` when the port cannot be had. */
  start(): Promise<void> {
    this.listening ??= new Promise<void>((resolve, reject) => {
      const { listenHost, listenPort } = this.ctx.options;
      const server = createServer((socket) => {
        const connection = new ListenerConnection(socket, this.ctx);
        this.connections.add(connection);
        void connection.closed.then(() => this.connections.delete(connection));
      });
      this.server = server;
      server.once('error', (err) => {
        this.server = null;
        reject(new AppError('ERR_LISTEN', `SGIP ${listenHost}:${listenPort} ${err.message}`, { cause: err }));
      });
      server.listen(listenPort, listenHost, () => {
        server.on('error', (err) => this.ctx.logger.error({ err }, 'SGIP 监听错误 listener error'));
        this.ctx.logger.info(
          { port: (server.address() as AddressInfo).port },
          'SGIP 监听已启动 listening for the SMG',
        );
        resolve();
      });
    });
    return this.listening;
  }

  /** Stops accepting, lets answers in flight go out (bounded by drainMs), closes every link. */
  async close(drainMs: number): Promise<void> {
    await this.listening?.catch(() => undefined);
    const server = this.server;
    this.server = null;
    const stopped = server
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    await Promise.all([...this.connections].map((c) => c.shutdown(drainMs)));
    await stopped;
  }
}
