/**
 * A bare ESME for the simulator tests, built on our codec: it writes exactly the PDUs (or bytes) a
 * test gives it and records what comes back, answering nothing by itself.
 */
import { connect, type Socket } from 'node:net';
import {
  createSmppFramer,
  decodeSmpp,
  encodeSmpp,
  type SmppPdu,
  type SmppPduOf,
} from '../../../src/protocols/smpp/index.js';
import { Signal } from '../cmpp/fake-ismg.js';

export class RawEsme {
  readonly received: SmppPdu[] = [];
  readonly signal = new Signal();
  closed = false;
  private seq = 0;

  private constructor(readonly socket: Socket) {
    const framer = createSmppFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk).frames) {
        const d = decodeSmpp(frame);
        if (d.ok) this.received.push(d.value);
      }
      this.signal.notify();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.signal.notify();
    });
  }

  static connect(port: number): Promise<RawEsme> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawEsme(socket));
      });
    });
  }

  nextSeq(): number {
    return ++this.seq;
  }

  send(pdu: SmppPdu): void {
    this.socket.write(encodeSmpp(pdu));
  }

  of<C extends SmppPdu['command']>(command: C): SmppPduOf<C>[] {
    return this.received.filter((p) => p.command === command) as SmppPduOf<C>[];
  }

  until(condition: () => boolean, what: string): Promise<void> {
    return this.signal.until(condition, what);
  }

  /** Sends a request and waits for the PDU answering its sequence_number. */
  async request(pdu: SmppPdu): Promise<SmppPdu> {
    this.send(pdu);
    let answer: SmppPdu | undefined;
    await this.until(() => {
      answer = this.received.find(
        (p) => p.sequenceNumber === pdu.sequenceNumber && p.command !== pdu.command,
      );
      return answer !== undefined;
    }, `the answer to ${pdu.command}`);
    return answer as SmppPdu;
  }

  bind(
    kind: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver' = 'bind_transceiver',
    systemId = 'smppacct',
    password = 'pw12345',
  ): Promise<SmppPdu> {
    return this.request({
      command: kind,
      commandStatus: 0,
      sequenceNumber: this.nextSeq(),
      systemId,
      password,
      systemType: '',
      interfaceVersion: 0x34,
      addrTon: 0,
      addrNpi: 0,
      addressRange: '',
    });
  }

  /** A submit_sm with the usual fields; `fields` override them. */
  submitPdu(fields: Partial<Omit<SmppPduOf<'submit_sm'>, 'command'>>): SmppPduOf<'submit_sm'> {
    return {
      command: 'submit_sm',
      commandStatus: 0,
      sequenceNumber: this.nextSeq(),
      serviceType: '',
      sourceAddrTon: 0,
      sourceAddrNpi: 0,
      sourceAddr: '10657',
      destAddrTon: 1,
      destAddrNpi: 1,
      destinationAddr: '8613800138000',
      esmClass: 0,
      protocolId: 0,
      priorityFlag: 0,
      scheduleDeliveryTime: '',
      validityPeriod: '',
      registeredDelivery: 1,
      replaceIfPresentFlag: 0,
      dataCoding: 0,
      smDefaultMsgId: 0,
      shortMessage: Buffer.alloc(0),
      ...fields,
    };
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.until(() => this.closed, 'the socket to close');
  }
}
