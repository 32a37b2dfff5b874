/**
 * Bare SGIP peers for tests, built on the codec alone (no session logic), on 127.0.0.1:
 * `RawSgipClient` connects and sends what a test tells it to (an SP to the simulator, an SMG to the
 * gateway's listener); `RawSgipServer` accepts connections and answers as a test scripts it (a fake
 * SMG for the gateway, a fake SP listener for the simulator). Both record every PDU and wake
 * waiters on every event — conditions are re-checked then, never after a fixed sleep.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  createSgipFramer,
  decodeSgip,
  encodeSgip,
  sequenceFields,
  sequenceOf,
  type SequenceFields,
  type SgipCommand,
  type SgipPdu,
  type SgipPduOf,
} from '../../../src/protocols/sgip/index.js';

/** Wakes waiters whenever something happens; conditions are re-checked then. */
export class Signal {
  private waiters = new Set<() => void>();

  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      // Safety net only: a broken test fails instead of hanging.
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}

/** One TCP peer: decodes what arrives, records it, sends PDUs or raw bytes. */
export class RawLink {
  readonly received: SgipPdu[] = [];
  /** Frames that did not decode (the peer sent garbage). */
  readonly undecodable: Buffer[] = [];
  closed = false;
  private counter = 0;

  constructor(
    readonly socket: Socket,
    private readonly signal: Signal,
    private readonly node: number,
    private readonly onPdu: (link: RawLink, pdu: SgipPdu) => void = () => undefined,
  ) {
    const framer = createSgipFramer();
    socket.on('data', (chunk: Buffer) => {
      const framed = framer.push(chunk);
      for (const frame of framed.frames) {
        const decoded = decodeSgip(frame);
        if (decoded.ok) {
          this.received.push(decoded.value);
          this.onPdu(this, decoded.value);
        } else this.undecodable.push(frame);
      }
      signal.notify();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      signal.notify();
    });
  }

  /** A fresh triple of this peer: its node, a fixed time, a counter. */
  seq(): SequenceFields {
    return { sequenceNode: this.node, sequenceTime: 1120203225, sequenceCounter: ++this.counter };
  }

  send(pdu: SgipPdu): void {
    if (!this.closed) this.socket.write(encodeSgip(pdu));
  }

  of<C extends SgipCommand>(command: C): SgipPduOf<C>[] {
    return this.received.filter((p) => p.command === command) as SgipPduOf<C>[];
  }

  /** The response carrying the triple of `request`, once it arrives. */
  async answerTo<C extends SgipCommand>(request: SequenceFields, command: C): Promise<SgipPduOf<C>> {
    const match = (): SgipPduOf<C> | undefined =>
      this.of(command).find(
        (p) =>
          p.sequenceNode === request.sequenceNode &&
          p.sequenceTime === request.sequenceTime &&
          p.sequenceCounter === request.sequenceCounter,
      );
    await this.signal.until(() => match() !== undefined, `${command} to ${request.sequenceCounter}`);
    return match() as SgipPduOf<C>;
  }

  async request<C extends SgipCommand>(pdu: SgipPdu, response: C): Promise<SgipPduOf<C>> {
    this.send(pdu);
    return this.answerTo(sequenceFields(sequenceOf(pdu)), response);
  }

  bind(loginType: number, loginName: string, loginPassword: string): Promise<SgipPduOf<'SGIP_BIND_RESP'>> {
    return this.request(
      { command: 'SGIP_BIND', ...this.seq(), loginType, loginName, loginPassword },
      'SGIP_BIND_RESP',
    );
  }

  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.signal.until(condition, what, timeoutMs);
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.until(() => this.closed, 'the socket to close');
  }
}

export async function openRawClient(port: number, node = 3010012333): Promise<RawLink> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return new RawLink(socket, new Signal(), node);
}

/** What the server answers a request with; 'hold' keeps it unanswered (the test answers later). */
export type Answer = number | 'hold';

export interface RawServerOptions {
  /** Default: an ephemeral port. */
  port?: number;
  node?: number;
  /** Login the server accepts (any Login Type): name and password; others get Result 1. */
  login?: { name: string; password: string };
  bind?: (pdu: SgipPduOf<'SGIP_BIND'>) => number;
  submit?: (pdu: SgipPduOf<'SGIP_SUBMIT'>, link: RawLink) => Answer;
  inbound?: (pdu: SgipPduOf<'SGIP_DELIVER'> | SgipPduOf<'SGIP_REPORT'>, link: RawLink) => Answer;
  answerUnbind?: boolean;
  /** Octets appended to every UNBIND_RESP, as SMGs that send the Result and Reserve there do. */
  unbindRespBody?: Buffer;
}

/** A scripted server: answers BIND, SUBMIT, DELIVER, REPORT and UNBIND by default. */
export class RawSgipServer {
  readonly signal = new Signal();
  readonly links: RawLink[] = [];
  /** Requests held unanswered, oldest first. */
  readonly held: { link: RawLink; pdu: SgipPdu }[] = [];
  maxHeld = 0;
  port = 0;
  private server: Server | null = null;

  private constructor(readonly options: RawServerOptions) {}

  static async start(options: RawServerOptions = {}): Promise<RawSgipServer> {
    const s = new RawSgipServer(options);
    const server = createServer((socket) => {
      s.links.push(new RawLink(socket, s.signal, options.node ?? 101230, (link, pdu) => s.handle(link, pdu)));
      s.signal.notify();
    });
    s.server = server;
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const address = server.address();
    s.port = typeof address === 'object' && address ? address.port : 0;
    return s;
  }

  of<C extends SgipCommand>(command: C, link?: RawLink): SgipPduOf<C>[] {
    return (link ? [link] : this.links).flatMap((l) => l.of(command));
  }

  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.signal.until(condition, what, timeoutMs);
  }

  /** Answers held requests, oldest first. */
  release(count = this.held.length, result = 0): void {
    for (const { link, pdu } of this.held.splice(0, count)) this.answer(link, pdu, result);
  }

  private handle(link: RawLink, pdu: SgipPdu): void {
    const o = this.options;
    switch (pdu.command) {
      case 'SGIP_BIND': {
        const ok = !o.login || (pdu.loginName === o.login.name && pdu.loginPassword === o.login.password);
        const result = o.bind?.(pdu) ?? (ok ? 0 : 1);
        link.send({ command: 'SGIP_BIND_RESP', ...sequenceFields(sequenceOf(pdu)), result });
        return;
      }
      case 'SGIP_SUBMIT':
        this.answerOrHold(link, pdu, o.submit?.(pdu, link) ?? 0);
        return;
      case 'SGIP_DELIVER':
      case 'SGIP_REPORT':
        this.answerOrHold(link, pdu, o.inbound?.(pdu, link) ?? 0);
        return;
      case 'SGIP_UNBIND':
        if (o.answerUnbind === false) return;
        if (o.unbindRespBody) {
          const frame = Buffer.concat([
            encodeSgip({ command: 'SGIP_UNBIND_RESP', ...sequenceFields(sequenceOf(pdu)) }),
            o.unbindRespBody,
          ]);
          frame.writeUInt32BE(frame.length, 0);
          link.socket.write(frame);
        } else link.send({ command: 'SGIP_UNBIND_RESP', ...sequenceFields(sequenceOf(pdu)) });
        link.socket.end();
        return;
      case 'SGIP_TRACE':
      case 'SGIP_BIND_RESP':
      case 'SGIP_UNBIND_RESP':
      case 'SGIP_SUBMIT_RESP':
      case 'SGIP_DELIVER_RESP':
      case 'SGIP_REPORT_RESP':
      case 'SGIP_TRACE_RESP':
        return; // recorded; tests read them from `received`
    }
  }

  private answerOrHold(link: RawLink, pdu: SgipPdu, answer: Answer): void {
    if (answer === 'hold') {
      this.held.push({ link, pdu });
      this.maxHeld = Math.max(this.maxHeld, this.held.filter((h) => h.link === link).length);
    } else this.answer(link, pdu, answer);
  }

  private answer(link: RawLink, pdu: SgipPdu, result: number): void {
    const seq = sequenceFields(sequenceOf(pdu));
    if (pdu.command === 'SGIP_SUBMIT') link.send({ command: 'SGIP_SUBMIT_RESP', ...seq, result });
    if (pdu.command === 'SGIP_DELIVER') link.send({ command: 'SGIP_DELIVER_RESP', ...seq, result });
    if (pdu.command === 'SGIP_REPORT') link.send({ command: 'SGIP_REPORT_RESP', ...seq, result });
  }

  async close(): Promise<void> {
    for (const l of this.links) l.socket.destroy();
    await this.until(() => this.links.every((l) => l.closed), 'raw server sockets to close');
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
