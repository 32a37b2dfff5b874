/**
 * A scripted fake SMGW for SMGP client tests, built on our codec, on an ephemeral 127.0.0.1 port.
 * It records every PDU it receives, answers Login (checking the authenticator), Submit, Active_Test
 * and Exit by default, and lets a test hold answers, inject PDUs or raw bytes, and drop links.
 * `until` waits for a condition re-checked on every event — never a fixed sleep.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  composeSmgpMsgId,
  createSmgpFramer,
  decodeSmgp,
  encodeSmgp,
  smgpAuthenticatorClient,
  smgpAuthenticatorServer,
  smgpTimestampText,
  type SmgpLayout,
  type SmgpPdu,
  type SmgpPduOf,
} from '../../../src/protocols/smgp/index.js';
import { Signal } from '../cmpp/fake-ismg.js';

export { Signal };

export type SubmitAnswer = { status: number } | 'hold';

export interface FakeSmgwOptions {
  account?: string;
  secret?: string;
  /** Login_Resp Status whatever the authenticator (default: 0 when it checks, else 21). */
  loginStatus?: number;
  /** Send a wrong AuthenticatorServer with Status 0. */
  badServerAuthenticator?: boolean;
  /** Login_Resp ServerVersion (default 0x30); 0x13 makes the link speak the 1.3 layout. */
  serverVersion?: number;
  answerActiveTest?: boolean;
  answerExit?: boolean;
  submit?: (pdu: SmgpPduOf<'SMGP_SUBMIT'>, conn: FakeConnection) => SubmitAnswer;
}

export interface Received {
  conn: FakeConnection;
  pdu: SmgpPdu;
}

export class FakeConnection {
  readonly held: SmgpPduOf<'SMGP_SUBMIT'>[] = [];
  closed = false;
  maxOutstanding = 0;
  private seq = 1000;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly smgw: FakeSmgw,
  ) {}

  get layout(): SmgpLayout {
    return (this.smgw.options.serverVersion ?? 0x30) === 0x13 ? 'smgp13' : 'smgp30';
  }

  send(pdu: SmgpPdu): void {
    if (!this.closed) this.socket.write(encodeSmgp(pdu, this.layout));
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Answers held Submits (oldest first) with `status`. */
  release(count = this.held.length, status = 0): void {
    for (const pdu of this.held.splice(0, count)) this.smgw.answerSubmit(this, pdu, status);
  }
}

export class FakeSmgw {
  readonly received: Received[] = [];
  readonly connections: FakeConnection[] = [];
  readonly signal = new Signal();
  /** MsgIDs given out in Submit_Resps, in order. */
  readonly issued: Buffer[] = [];
  private msgSeq = 0;
  private server: Server | null = null;
  port = 0;

  constructor(readonly options: FakeSmgwOptions) {}

  static async start(options: FakeSmgwOptions = {}): Promise<FakeSmgw> {
    const smgw = new FakeSmgw(options);
    await smgw.listen();
    return smgw;
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
    const framer = createSmgpFramer();
    socket.on('data', (chunk: Buffer) => {
      const r = framer.push(chunk);
      for (const frame of r.frames) {
        const d = decodeSmgp(frame, conn.layout);
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

  of<C extends SmgpPdu['command']>(command: C, conn?: FakeConnection): SmgpPduOf<C>[] {
    return this.received
      .filter((r) => r.pdu.command === command && (!conn || r.conn === conn))
      .map((r) => r.pdu as SmgpPduOf<C>);
  }

  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.signal.until(condition, what, timeoutMs);
  }

  answerSubmit(conn: FakeConnection, pdu: SmgpPduOf<'SMGP_SUBMIT'>, status: number): void {
    const msgId = composeSmgpMsgId({
      smgwCode: '010061',
      month: 1,
      day: 16,
      hour: 17,
      minute: 0,
      sequence: ++this.msgSeq,
    });
    this.issued.push(msgId);
    conn.send({ command: 'SMGP_SUBMIT_RESP', sequenceId: pdu.sequenceId, msgId, status });
  }

  private handle(conn: FakeConnection, pdu: SmgpPdu): void {
    this.received.push({ conn, pdu });
    switch (pdu.command) {
      case 'SMGP_LOGIN': {
        const secret = this.options.secret ?? 'secret';
        const account = this.options.account ?? pdu.clientId;
        const expected = smgpAuthenticatorClient(account, secret, smgpTimestampText(pdu.timeStamp));
        const good = pdu.clientId === account && pdu.authenticatorClient.equals(expected);
        const status = this.options.loginStatus ?? (good ? 0 : 21);
        const auth = this.options.badServerAuthenticator
          ? Buffer.alloc(16, 1)
          : smgpAuthenticatorServer(status, pdu.authenticatorClient, secret);
        conn.send({
          command: 'SMGP_LOGIN_RESP',
          sequenceId: pdu.sequenceId,
          status,
          authenticatorServer: status === 0 ? auth : Buffer.alloc(16),
          serverVersion: this.options.serverVersion ?? 0x30,
        });
        return;
      }
      case 'SMGP_SUBMIT': {
        const answer = this.options.submit?.(pdu, conn) ?? { status: 0 };
        if (answer === 'hold') {
          conn.held.push(pdu);
          conn.maxOutstanding = Math.max(conn.maxOutstanding, conn.held.length);
        } else this.answerSubmit(conn, pdu, answer.status);
        return;
      }
      case 'SMGP_ACTIVE_TEST':
        if (this.options.answerActiveTest ?? true)
          conn.send({ command: 'SMGP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId });
        return;
      case 'SMGP_EXIT':
        if (this.options.answerExit === false) return;
        conn.send({ command: 'SMGP_EXIT_RESP', sequenceId: pdu.sequenceId });
        conn.socket.end();
        return;
      case 'SMGP_ACTIVE_TEST_RESP':
      case 'SMGP_DELIVER':
      case 'SMGP_DELIVER_RESP':
      case 'SMGP_EXIT_RESP':
      case 'SMGP_LOGIN_RESP':
      case 'SMGP_QUERY':
      case 'SMGP_QUERY_RESP':
      case 'SMGP_SUBMIT_RESP':
        return; // recorded above; the tests read them from `received`
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await this.until(() => this.connections.every((c) => c.closed), 'fake SMGW sockets to close');
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
