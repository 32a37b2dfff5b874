/**
 * A scripted fake ISMG for client tests, built on our codec, on an ephemeral 127.0.0.1 port. It
 * records every PDU it receives, answers CONNECT (checking the authenticator), SUBMIT and
 * ACTIVE_TEST by default, and lets a test hold answers, inject PDUs or raw bytes, and drop links.
 * `until` waits for a condition re-checked on every event — never a fixed sleep.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  cmppAuthenticatorIsmg,
  cmppAuthenticatorSource,
  composeCmppMsgId,
  createCmppFramer,
  decodeCmpp,
  encodeCmpp,
  type CmppPdu,
  type CmppPduOf,
  type CmppVersion,
} from '../../../src/protocols/cmpp/index.js';

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

export type SubmitAnswer = { result: number } | 'hold';

export interface FakeIsmgOptions {
  version: CmppVersion;
  account?: string;
  secret?: string;
  /** CONNECT_RESP Status to send whatever the authenticator (default: 0 when it checks, else 3). */
  connectStatus?: number;
  /** Send a wrong AuthenticatorISMG with Status 0. */
  badIsmgAuthenticator?: boolean;
  answerActiveTest?: boolean;
  answerTerminate?: boolean;
  submit?: (pdu: CmppPduOf<'CMPP_SUBMIT'>, conn: FakeConnection) => SubmitAnswer;
}

export interface Received {
  conn: FakeConnection;
  pdu: CmppPdu;
}

export class FakeConnection {
  readonly held: CmppPduOf<'CMPP_SUBMIT'>[] = [];
  closed = false;
  maxOutstanding = 0;
  private seq = 1000;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly ismg: FakeIsmg,
  ) {}

  send(pdu: CmppPdu): void {
    if (!this.closed) this.socket.write(encodeCmpp(this.ismg.options.version, pdu));
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Answers held SUBMITs (oldest first) with Result 0. */
  release(count = this.held.length, result = 0): void {
    for (const pdu of this.held.splice(0, count)) this.ismg.answerSubmit(this, pdu, result);
  }
}

export class FakeIsmg {
  readonly received: Received[] = [];
  readonly connections: FakeConnection[] = [];
  readonly signal = new Signal();
  /** Msg_Ids given out in SUBMIT_RESPs, in order. */
  readonly issued: bigint[] = [];
  private msgSeq = 0;
  private server: Server | null = null;
  port = 0;

  constructor(readonly options: FakeIsmgOptions) {}

  static async start(options: FakeIsmgOptions): Promise<FakeIsmg> {
    const ismg = new FakeIsmg(options);
    await ismg.listen();
    return ismg;
  }

  private listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : 0;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    const conn = new FakeConnection(this.connections.length, socket, this);
    this.connections.push(conn);
    const framer = createCmppFramer(this.options.version);
    socket.on('data', (chunk: Buffer) => {
      const r = framer.push(chunk);
      for (const frame of r.frames) {
        const d = decodeCmpp(this.options.version, frame);
        if (d.ok) this.handle(conn, d.value);
      }
      this.signal.notify();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      conn.closed = true;
      this.signal.notify();
    });
    this.signal.notify();
  }

  of<C extends CmppPdu['command']>(command: C, conn?: FakeConnection): CmppPduOf<C>[] {
    return this.received
      .filter((r) => r.pdu.command === command && (!conn || r.conn === conn))
      .map((r) => r.pdu as CmppPduOf<C>);
  }

  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.signal.until(condition, what, timeoutMs);
  }

  answerSubmit(conn: FakeConnection, pdu: CmppPduOf<'CMPP_SUBMIT'>, result: number): void {
    const msgId = composeCmppMsgId({
      month: 1,
      day: 2,
      hour: 3,
      minute: 4,
      second: 5,
      gatewayId: 12333,
      sequence: ++this.msgSeq,
    });
    this.issued.push(msgId);
    conn.send({ command: 'CMPP_SUBMIT_RESP', sequenceId: pdu.sequenceId, msgId, result });
  }

  private handle(conn: FakeConnection, pdu: CmppPdu): void {
    this.received.push({ conn, pdu });
    const { version } = this.options;
    switch (pdu.command) {
      case 'CMPP_CONNECT': {
        const secret = this.options.secret ?? 'secret';
        const ts = String(pdu.timestamp).padStart(10, '0');
        const good = pdu.authenticatorSource.equals(cmppAuthenticatorSource(pdu.sourceAddr, secret, ts));
        const status = this.options.connectStatus ?? (good ? 0 : 3);
        const auth = this.options.badIsmgAuthenticator
          ? Buffer.alloc(16, 1)
          : cmppAuthenticatorIsmg(version, status, pdu.authenticatorSource, secret);
        conn.send({
          command: 'CMPP_CONNECT_RESP',
          sequenceId: pdu.sequenceId,
          status,
          authenticatorIsmg: status === 0 ? auth : Buffer.alloc(16),
          version: pdu.version,
        });
        return;
      }
      case 'CMPP_SUBMIT': {
        const answer = this.options.submit?.(pdu, conn) ?? { result: 0 };
        if (answer === 'hold') {
          conn.held.push(pdu);
          conn.maxOutstanding = Math.max(conn.maxOutstanding, conn.held.length);
        } else this.answerSubmit(conn, pdu, answer.result);
        return;
      }
      case 'CMPP_ACTIVE_TEST':
        if (this.options.answerActiveTest ?? true)
          conn.send({ command: 'CMPP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId, reserved: 0 });
        return;
      case 'CMPP_TERMINATE':
        if (this.options.answerTerminate === false) return;
        conn.send({ command: 'CMPP_TERMINATE_RESP', sequenceId: pdu.sequenceId });
        conn.socket.end();
        return;
      case 'CMPP_ACTIVE_TEST_RESP':
      case 'CMPP_CANCEL':
      case 'CMPP_CANCEL_RESP':
      case 'CMPP_CONNECT_RESP':
      case 'CMPP_DELIVER':
      case 'CMPP_DELIVER_RESP':
      case 'CMPP_QUERY':
      case 'CMPP_QUERY_RESP':
      case 'CMPP_SUBMIT_RESP':
      case 'CMPP_TERMINATE_RESP':
        return; // recorded above; the tests read them from `received`
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await this.until(() => this.connections.every((c) => c.closed), 'fake ISMG sockets to close');
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
