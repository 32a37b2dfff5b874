/**
 * A bare SMGP SP for simulator tests, built on the codec alone (no session logic): it sends what a
 * test tells it to, keeps every PDU it receives, and waits for them by predicate with a bounded
 * safety timeout. It answers Delivers with Deliver_Resp Status 0 unless told not to.
 */
import { connect, type Socket } from 'node:net';
import {
  createSmgpFramer,
  decodeSmgp,
  encodeSmgp,
  smgpAuthenticatorClient,
  smgpTimestamp,
  type SmgpCommand,
  type SmgpLayout,
  type SmgpPdu,
  type SmgpPduOf,
} from '../../../src/protocols/smgp/index.js';

/** Fields a test usually leaves at their defaults. */
export type SubmitFields = Partial<Omit<SmgpPduOf<'SMGP_SUBMIT'>, 'command' | 'sequenceId'>> & {
  destTermId: readonly string[];
  msgContent: Buffer;
};

export class TestSmgpClient {
  readonly received: SmgpPdu[] = [];
  /** Answer Delivers automatically (false: a test acknowledges, or leaves them pending). */
  autoAck = true;
  /** The Submit layout; a test logging in as a 1.3 client sets it. */
  layout: SmgpLayout = 'smgp30';
  readonly closed: Promise<void>;
  private sequence = 0;
  private waiters: { match: (p: SmgpPdu) => boolean; resolve: (p: SmgpPdu) => void }[] = [];

  private constructor(readonly socket: Socket) {
    const framer = createSmgpFramer();
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk).frames) {
        const decoded = decodeSmgp(frame, this.layout);
        if (!decoded.ok) throw new Error(`test client cannot decode: ${decoded.error.message}`);
        this.arrived(decoded.value);
      }
    });
  }

  static async open(port: number): Promise<TestSmgpClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TestSmgpClient(socket);
  }

  nextSequence(): number {
    return ++this.sequence;
  }

  send(pdu: SmgpPdu): void {
    this.socket.write(encodeSmgp(pdu, this.layout));
  }

  /** Waits for (and takes) the first received PDU matching; fails after `timeoutMs`. */
  waitFor(match: (p: SmgpPdu) => boolean, what: string, timeoutMs = 5000): Promise<SmgpPdu> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (p: SmgpPdu) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async next<C extends SmgpCommand>(
    command: C,
    timeoutMs = 5000,
    also: (p: SmgpPduOf<C>) => boolean = () => true,
  ): Promise<SmgpPduOf<C>> {
    const pdu = await this.waitFor(
      (p) => p.command === command && also(p as SmgpPduOf<C>),
      command,
      timeoutMs,
    );
    return pdu as SmgpPduOf<C>;
  }

  /** Sends a request and waits for the response with its SequenceID. */
  async request<C extends SmgpCommand>(pdu: SmgpPdu, response: C): Promise<SmgpPduOf<C>> {
    this.send(pdu);
    return this.next(response, 5000, (p) => p.sequenceId === pdu.sequenceId);
  }

  login(
    account: string,
    secret: string,
    options: { clientVersion?: number; loginMode?: number; authAs?: string } = {},
  ): Promise<SmgpPduOf<'SMGP_LOGIN_RESP'>> {
    const stamp = smgpTimestamp(Date.now());
    return this.request(
      {
        command: 'SMGP_LOGIN',
        sequenceId: this.nextSequence(),
        clientId: account,
        authenticatorClient: smgpAuthenticatorClient(options.authAs ?? account, secret, stamp.text),
        loginMode: options.loginMode ?? 2,
        timeStamp: stamp.value,
        clientVersion: options.clientVersion ?? 0x30,
      },
      'SMGP_LOGIN_RESP',
    );
  }

  submitPdu(fields: SubmitFields): SmgpPduOf<'SMGP_SUBMIT'> {
    return {
      command: 'SMGP_SUBMIT',
      sequenceId: this.nextSequence(),
      msgType: 6,
      needReport: 1,
      priority: 1,
      serviceId: 'HRSS',
      feeType: '00',
      feeCode: '000000',
      fixedFee: '000000',
      msgFormat: 8,
      validTime: '',
      atTime: '',
      srcTermId: '1065912333',
      chargeTermId: '',
      ...fields,
    };
  }

  submit(fields: SubmitFields): Promise<SmgpPduOf<'SMGP_SUBMIT_RESP'>> {
    return this.request(this.submitPdu(fields), 'SMGP_SUBMIT_RESP');
  }

  ack(deliver: SmgpPduOf<'SMGP_DELIVER'>, status = 0): void {
    this.send({ command: 'SMGP_DELIVER_RESP', sequenceId: deliver.sequenceId, msgId: deliver.msgId, status });
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private arrived(pdu: SmgpPdu): void {
    if (pdu.command === 'SMGP_DELIVER' && this.autoAck) this.ack(pdu);
    const waiter = this.waiters.find((w) => w.match(pdu));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(pdu);
    } else {
      this.received.push(pdu);
    }
  }
}
