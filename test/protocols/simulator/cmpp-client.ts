/**
 * A bare CMPP SP for simulator tests, built on the codec alone (no session logic): it sends what a
 * test tells it to, keeps every PDU it receives, and waits for them by predicate with a bounded
 * safety timeout. It answers DELIVERs with DELIVER_RESP unless told not to.
 */
import { connect, type Socket } from 'node:net';
import {
  cmppAuthenticatorSource,
  cmppTimestamp,
  createCmppFramer,
  decodeCmpp,
  encodeCmpp,
  type CmppCommand,
  type CmppPdu,
  type CmppPduOf,
  type CmppVersion,
} from '../../../src/protocols/cmpp/index.js';

export const VERSION_BYTE = { cmpp2: 0x20, cmpp3: 0x30 } as const;

/** Fields a test usually leaves at their defaults. */
export type SubmitFields = Partial<Omit<CmppPduOf<'CMPP_SUBMIT'>, 'command' | 'sequenceId'>> & {
  destTerminalId: readonly string[];
  msgContent: Buffer;
};

export class TestCmppClient {
  readonly received: CmppPdu[] = [];
  /** Answer DELIVERs automatically (false: a test acknowledges, or leaves them pending). */
  autoAck = true;
  readonly closed: Promise<void>;
  private sequence = 0;
  private waiters: { match: (p: CmppPdu) => boolean; resolve: (p: CmppPdu) => void }[] = [];

  private constructor(
    readonly version: CmppVersion,
    readonly socket: Socket,
  ) {
    const framer = createCmppFramer(version);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const framed = framer.push(chunk);
      for (const frame of framed.frames) {
        const decoded = decodeCmpp(this.version, frame);
        if (!decoded.ok) throw new Error(`test client cannot decode: ${decoded.error.message}`);
        this.arrived(decoded.value);
      }
    });
  }

  static async open(port: number, version: CmppVersion): Promise<TestCmppClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TestCmppClient(version, socket);
  }

  nextSequence(): number {
    return ++this.sequence;
  }

  send(pdu: CmppPdu): void {
    this.socket.write(encodeCmpp(this.version, pdu));
  }

  /** Waits for (and takes) the first received PDU matching; fails after `timeoutMs`. */
  waitFor(match: (p: CmppPdu) => boolean, what: string, timeoutMs = 5000): Promise<CmppPdu> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (p: CmppPdu) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async next<C extends CmppCommand>(
    command: C,
    timeoutMs = 5000,
    also: (p: CmppPduOf<C>) => boolean = () => true,
  ): Promise<CmppPduOf<C>> {
    const pdu = await this.waitFor(
      (p) => p.command === command && also(p as CmppPduOf<C>),
      command,
      timeoutMs,
    );
    return pdu as CmppPduOf<C>;
  }

  /** Sends a request and waits for the response with its Sequence_Id. */
  async request<C extends CmppCommand>(pdu: CmppPdu, response: C): Promise<CmppPduOf<C>> {
    this.send(pdu);
    return this.next(response, 5000, (p) => p.sequenceId === pdu.sequenceId);
  }

  login(
    account: string,
    secret: string,
    options: { versionByte?: number; at?: number } = {},
  ): Promise<CmppPduOf<'CMPP_CONNECT_RESP'>> {
    const stamp = cmppTimestamp(options.at ?? Date.now());
    return this.request(
      {
        command: 'CMPP_CONNECT',
        sequenceId: this.nextSequence(),
        sourceAddr: account,
        authenticatorSource: cmppAuthenticatorSource(account, secret, stamp.text),
        version: options.versionByte ?? VERSION_BYTE[this.version],
        timestamp: stamp.value,
      },
      'CMPP_CONNECT_RESP',
    );
  }

  submitPdu(fields: SubmitFields): CmppPduOf<'CMPP_SUBMIT'> {
    return {
      command: 'CMPP_SUBMIT',
      sequenceId: this.nextSequence(),
      msgId: 0n,
      pkTotal: 1,
      pkNumber: 1,
      registeredDelivery: 1,
      msgLevel: 0,
      serviceId: 'HRSS',
      feeUserType: 2,
      feeTerminalId: '',
      tpPid: 0,
      tpUdhi: 0,
      msgFmt: 8,
      msgSrc: '901234',
      feeType: '01',
      feeCode: '0',
      valIdTime: '',
      atTime: '',
      srcId: '1065712333',
      ...fields,
    };
  }

  submit(fields: SubmitFields): Promise<CmppPduOf<'CMPP_SUBMIT_RESP'>> {
    return this.request(this.submitPdu(fields), 'CMPP_SUBMIT_RESP');
  }

  ack(deliver: CmppPduOf<'CMPP_DELIVER'>, result = 0): void {
    this.send({ command: 'CMPP_DELIVER_RESP', sequenceId: deliver.sequenceId, msgId: deliver.msgId, result });
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private arrived(pdu: CmppPdu): void {
    if (pdu.command === 'CMPP_DELIVER' && this.autoAck) this.ack(pdu);
    const waiter = this.waiters.find((w) => w.match(pdu));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(pdu);
    } else {
      this.received.push(pdu);
    }
  }
}

/** UCS-2 (UTF-16BE) bytes of a text, as Msg_Fmt 8 carries it. */
export function ucs2(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const out = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    out[i] = le[i + 1]!;
    out[i + 1] = le[i]!;
  }
  return out;
}
