/**
 * A scripted fake SMSC for the gateway tests, built on our codec, on an ephemeral 127.0.0.1 port.
 * It records every PDU it receives, answers binds (checking system_id and password), submit_sm,
 * enquire_link and unbind by default, and lets a test hold answers, inject PDUs or raw bytes and
 * drop links. `until` waits for a condition re-checked on every event — never a fixed sleep.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  createSmppFramer,
  decodeSmpp,
  encodeSmpp,
  STATUS,
  type SmppPdu,
  type SmppPduOf,
} from '../../../src/protocols/smpp/index.js';
import { Signal } from '../cmpp/fake-ismg.js';

export { Signal };

export type SubmitAnswer = { status: number; messageId?: string } | 'hold';

export interface FakeSmscOptions {
  account?: string;
  secret?: string;
  /** Answer every bind with this status whatever the credentials. */
  bindStatus?: number;
  answerEnquireLink?: boolean;
  answerUnbind?: boolean;
  submit?: (pdu: SmppPduOf<'submit_sm'>, conn: FakeConnection) => SubmitAnswer;
}

export interface Received {
  conn: FakeConnection;
  pdu: SmppPdu;
}

type Bind = SmppPduOf<'bind_transceiver' | 'bind_transmitter' | 'bind_receiver'>;

export class FakeConnection {
  readonly held: SmppPduOf<'submit_sm'>[] = [];
  closed = false;
  bound: Bind['command'] | null = null;
  maxOutstanding = 0;
  private seq = 1000;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly smsc: FakeSmsc,
  ) {}

  send(pdu: SmppPdu): void {
    if (!this.closed) this.socket.write(encodeSmpp(pdu));
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Answers held submit_sm (oldest first). */
  release(count = this.held.length, status = 0): void {
    for (const pdu of this.held.splice(0, count)) this.smsc.answerSubmit(this, pdu, { status });
  }
}

export class FakeSmsc {
  readonly received: Received[] = [];
  readonly connections: FakeConnection[] = [];
  readonly signal = new Signal();
  /** message_ids given out in submit_sm_resp, in order (upper-case hex, as some SMSCs write them). */
  readonly issued: string[] = [];
  private next = 0x38601f0;
  private server: Server | null = null;
  port = 0;

  constructor(readonly options: FakeSmscOptions = {}) {}

  static async start(options: FakeSmscOptions = {}): Promise<FakeSmsc> {
    const smsc = new FakeSmsc(options);
    await smsc.listen();
    return smsc;
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
    const framer = createSmppFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk).frames) {
        const d = decodeSmpp(frame);
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

  of<C extends SmppPdu['command']>(command: C, conn?: FakeConnection): SmppPduOf<C>[] {
    return this.received
      .filter((r) => r.pdu.command === command && (!conn || r.conn === conn))
      .map((r) => r.pdu as SmppPduOf<C>);
  }

  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.signal.until(condition, what, timeoutMs);
  }

  /** The bound connection of a kind (the last one), for sending deliver_sm. */
  link(kind: Bind['command'] = 'bind_transceiver'): FakeConnection {
    const conn = [...this.connections].reverse().find((c) => c.bound === kind && !c.closed);
    if (!conn) throw new Error(`no open ${kind} link`);
    return conn;
  }

  answerSubmit(
    conn: FakeConnection,
    pdu: SmppPduOf<'submit_sm'>,
    answer: { status: number; messageId?: string },
  ): void {
    let messageId = answer.messageId;
    if (messageId === undefined && answer.status === 0) {
      messageId = (this.next++).toString(16).toUpperCase();
      this.issued.push(messageId);
    }
    const base = {
      command: 'submit_sm_resp',
      commandStatus: answer.status,
      sequenceNumber: pdu.sequenceNumber,
    } as const;
    conn.send(messageId === undefined ? base : { ...base, messageId });
  }

  private handle(conn: FakeConnection, pdu: SmppPdu): void {
    this.received.push({ conn, pdu });
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver': {
        const good =
          pdu.systemId === (this.options.account ?? '901234') &&
          pdu.password === (this.options.secret ?? 'secret');
        const status = this.options.bindStatus ?? (good ? 0 : STATUS.invalidPassword);
        conn.send({
          command: `${pdu.command}_resp`,
          commandStatus: status,
          sequenceNumber: pdu.sequenceNumber,
          systemId: 'FAKE',
        });
        if (status === 0) conn.bound = pdu.command;
        return;
      }
      case 'submit_sm': {
        const answer = this.options.submit?.(pdu, conn) ?? { status: 0 };
        if (answer === 'hold') {
          conn.held.push(pdu);
          conn.maxOutstanding = Math.max(conn.maxOutstanding, conn.held.length);
        } else this.answerSubmit(conn, pdu, answer);
        return;
      }
      case 'enquire_link':
        if (this.options.answerEnquireLink ?? true)
          conn.send({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        return;
      case 'unbind':
        if (this.options.answerUnbind === false) return;
        conn.send({ command: 'unbind_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        conn.socket.end();
        return;
      case 'bind_receiver_resp':
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'data_sm':
      case 'data_sm_resp':
      case 'deliver_sm':
      case 'deliver_sm_resp':
      case 'enquire_link_resp':
      case 'generic_nack':
      case 'query_sm':
      case 'query_sm_resp':
      case 'submit_sm_resp':
      case 'unbind_resp':
        return; // recorded above; the tests read them from `received`
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await this.until(() => this.connections.every((c) => c.closed), 'fake SMSC sockets to close');
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
