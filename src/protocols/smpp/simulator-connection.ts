/**
 * One ESME connection to the simulated SMSC.
 *
 * States: open → bound (as transmitter, receiver or transceiver) → closed.
 * - open: only a bind_* is served; any other request gets generic_nack ESME_RINVBNDSTS (§4.3) and
 *   the link closes, as it does after a PDU that does not decode (a bad bind) and when no bind came
 *   within the login timeout. A refused bind (ESME_RINVSYSID 0x0F, ESME_RINVPASWD 0x0E) gets its
 *   response and the link closes.
 * - bound: submit_sm / data_sm are answered and recorded when the bind may transmit (else
 *   ESME_RINVBNDSTS); receipts and uplinks owed to the account are written here when the bind may
 *   receive (the core's Outbound picks the link) and acknowledged by deliver_sm_resp ESME_ROK;
 *   enquire_link and unbind are answered (§4.11, §4.2).
 * - closed: input is ignored; what was in flight without an answer goes back to the core.
 * Bytes that cannot be framed close the link; a framed PDU that does not decode gets generic_nack
 * (§4.3) or, for a broken response, closes the link. The server goes on either way.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import type { Framer } from '../codec/framer.js';
import type { DecodeError } from '../codec/result.js';
import { closeUnlessLoggedIn, type OutgoingPayload, type SimulatorCore } from '../simulator/core.js';
import type { OutboundItem, OutboundLink } from '../simulator/outbound.js';
import { SequenceCounter } from '../session/request-tracker.js';
import { createTickWriter } from '../session/tick-writer.js';
import { createSmppFramer, decodeSmpp, encodeSmpp, type SmppPdu, type SmppPduOf } from './codec.js';
import { commandStatusReason, STATUS } from './codes.js';
import { undecodableVerdict, type BindKind } from './esme-pdus.js';
import {
  bindStatus,
  moDeliver,
  readSubmit,
  receiptDeliver,
  SMSC_SYSTEM_ID,
  statusOfSubmitResult,
  type SubmitFields,
} from './simulator-pdus.js';
import { SMPP_INTERFACE_VERSION } from './tables.js';

export interface SmscContext {
  core: SimulatorCore<string>;
  logger: Logger;
  /** The first 20 characters of a submitted message, for its receipt's `text:` (docs/protocols.md §4.7). */
  preview(msgId: string): string;
  remember(msgId: string, text: string): void;
}

type State = 'open' | 'bound' | 'closed';

/** How long a goodbye may take before the socket is destroyed. */
const GOODBYE_MS = 500;

const BIND_RESP = {
  bind_transceiver: 'bind_transceiver_resp',
  bind_transmitter: 'bind_transmitter_resp',
  bind_receiver: 'bind_receiver_resp',
} as const;

const KIND_OF = {
  bind_transceiver: 'transceiver',
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
} as const satisfies Record<keyof typeof BIND_RESP, BindKind>;

export class SmppSimConnection implements OutboundLink<OutgoingPayload<string>> {
  private state: State = 'open';
  private kind: BindKind | null = null;
  private readonly framer: Framer = createSmppFramer();
  private readonly seq = new SequenceCounter(0, 0x7fffffff);
  /** sequence_number of each deliver_sm written → the outbound item it carries. */
  private readonly awaiting = new Map<number, number>();
  private readonly writeFrame: (frame: Buffer) => void;
  private readonly logger: Logger;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly ctx: SmscContext,
  ) {
    this.writeFrame = createTickWriter(socket);
    this.logger = ctx.logger.child({
      link: id,
      remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    });
    ctx.core.connectionOpened();
    closeUnlessLoggedIn(socket, ctx.core, () => this.state === 'bound');
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.state = 'closed';
        this.awaiting.clear();
        ctx.core.connectionClosed(id);
        resolve();
      });
    });
    socket.on('error', (err) => this.logger.debug({ err }, '连接错误 link error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        this.received(chunk);
      } catch (err) {
        // A fault while handling one ESME's bytes must not take down the links of the others.
        this.logger.error({ err }, '处理报文出错 failed handling a PDU');
        this.drop('内部错误 internal error');
      }
    });
  }

  /** Writes a receipt or an uplink as a deliver_sm; the deliver_sm_resp settles it. */
  write(item: OutboundItem<OutgoingPayload<string>>): void {
    const sequenceNumber = this.seq.next();
    const payload = item.payload;
    const pdu =
      payload.kind === 'report'
        ? receiptDeliver(sequenceNumber, payload.report, this.ctx.preview(payload.report.msgId))
        : moDeliver(sequenceNumber, payload.mo);
    if (!this.send(pdu)) {
      this.ctx.core.outbound.drop(item.id);
      return;
    }
    this.awaiting.set(sequenceNumber, item.id);
  }

  /** Server shutdown: unbind a bound ESME (§4.2), then close, destroying after a bounded wait. */
  shutdown(): Promise<void> {
    if (this.state !== 'closed') {
      const bound = this.state === 'bound';
      this.leave();
      if (bound) this.send({ command: 'unbind', commandStatus: 0, sequenceNumber: this.seq.next() });
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), GOODBYE_MS);
      void this.closed.then(() => clearTimeout(timer));
    }
    return this.closed;
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private received(chunk: Buffer): void {
    if (this.isClosed()) return;
    const framed = this.framer.push(chunk);
    for (const frame of framed.frames) {
      // A PDU earlier in the chunk (unbind, a refused bind) may have closed the link.
      if (this.isClosed()) return;
      const decoded = decodeSmpp(frame);
      if (decoded.ok) this.handle(decoded.value);
      else this.undecodable(frame, decoded.error);
    }
    if (!framed.ok && !this.isClosed()) this.drop('无法分帧 unframeable bytes', framed.error);
  }

  private undecodable(frame: Buffer, error: DecodeError): void {
    const verdict = undecodableVerdict(frame, error, 'ESME');
    if (verdict.kind === 'drop') {
      this.drop(verdict.message, error);
      return;
    }
    this.logger.warn({ error }, '报文无法解析，回 generic_nack undecodable PDU answered with generic_nack');
    this.nack(verdict.sequenceNumber, verdict.status);
    // Before a bind, a PDU that does not decode (a bad bind) ends the link: no one unbound lingers.
    if (this.state === 'open') this.endUnbound('未绑定时报文无法解析 undecodable PDU before bind');
  }

  private handle(pdu: SmppPdu): void {
    if (this.state === 'open' && !(pdu.command in BIND_RESP) && pdu.command !== 'enquire_link') {
      if (!pdu.command.endsWith('_resp') && pdu.command !== 'generic_nack')
        this.nack(pdu.sequenceNumber, STATUS.invalidBindStatus);
      this.endUnbound('未绑定先发请求 a request before bind');
      return;
    }
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.bind(pdu);
        return;
      case 'submit_sm':
      case 'data_sm':
        this.submit(pdu);
        return;
      case 'deliver_sm_resp':
        this.settled(pdu.sequenceNumber, pdu.commandStatus);
        return;
      case 'generic_nack':
        this.settled(
          pdu.sequenceNumber,
          pdu.commandStatus === STATUS.ok ? STATUS.systemError : pdu.commandStatus,
        );
        return;
      case 'enquire_link':
        this.send({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        return;
      case 'unbind':
        this.send({ command: 'unbind_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        this.leave();
        this.socket.end();
        return;
      case 'unbind_resp':
        this.leave();
        this.socket.end();
        return;
      case 'query_sm':
        // Receipts are the simulator's only record of a message's fate (§4.8.2: ESME_RQUERYFAIL).
        this.send({
          command: 'query_sm_resp',
          commandStatus: STATUS.queryFailed,
          sequenceNumber: pdu.sequenceNumber,
          messageId: pdu.messageId,
          finalDate: '',
          messageState: 0,
          errorCode: 0,
        });
        return;
      case 'deliver_sm':
        this.nack(pdu.sequenceNumber, STATUS.invalidCommandId); // an SMSC's request, not an ESME's
        return;
      case 'enquire_link_resp':
      case 'submit_sm_resp':
      case 'data_sm_resp':
      case 'query_sm_resp':
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
        return; // answers to nothing the SMSC asks but enquire_link; nothing to do
    }
  }

  /** bind_* (§4.1): checks the credentials; a receiving bind starts taking the account's receipts. */
  private bind(pdu: SmppPduOf<'bind_transceiver' | 'bind_transmitter' | 'bind_receiver'>): void {
    const { core } = this.ctx;
    const resp = BIND_RESP[pdu.command];
    if (this.state === 'bound') {
      this.send({ command: resp, commandStatus: STATUS.alreadyBound, sequenceNumber: pdu.sequenceNumber });
      return;
    }
    const status = bindStatus(pdu, core.account, core.secret);
    this.send({
      command: resp,
      commandStatus: status,
      sequenceNumber: pdu.sequenceNumber,
      systemId: SMSC_SYSTEM_ID,
      tlvs: status === STATUS.ok ? { scInterfaceVersion: SMPP_INTERFACE_VERSION } : {},
    });
    if (status !== STATUS.ok) {
      core.count('authFailures');
      this.logger.info({ systemId: pdu.systemId }, `绑定被拒 bind refused: ${commandStatusReason(status)}`);
      this.leave();
      this.socket.end();
      return;
    }
    this.state = 'bound';
    this.kind = KIND_OF[pdu.command];
    core.count('binds');
    this.logger.debug({ kind: this.kind }, '已绑定 bound');
    if (this.kind !== 'transmitter') core.outbound.bind(this);
  }

  /** submit_sm / data_sm (§4.4, §4.7): a message_id per submit, the segment to its handset. */
  private submit(pdu: SmppPduOf<'submit_sm' | 'data_sm'>): void {
    const { core } = this.ctx;
    const resp = pdu.command === 'submit_sm' ? 'submit_sm_resp' : 'data_sm_resp';
    const reply = (commandStatus: number, messageId?: string): void => {
      const base = { command: resp, commandStatus, sequenceNumber: pdu.sequenceNumber } as const;
      this.send(messageId === undefined ? base : { ...base, messageId });
    };
    if (this.kind === 'receiver') {
      reply(STATUS.invalidBindStatus);
      return;
    }
    core.count('submits');
    const config = core.config;
    if (!config.answerSubmits) return;
    if (config.submitResult !== 0) {
      reply(statusOfSubmitResult(config.submitResult));
      return;
    }
    const fields: SubmitFields = {
      ...pdu,
      shortMessage: pdu.command === 'submit_sm' ? pdu.shortMessage : Buffer.alloc(0),
    };
    const content = readSubmit(fields);
    if (!content.ok) {
      this.logger.debug({ status: content.status, reason: content.reason }, '提交被拒 submit refused');
      reply(content.status);
      return;
    }
    const msgId = core.newId();
    reply(STATUS.ok, msgId);
    this.ctx.remember(msgId, content.text);
    core.accept({
      mobile: content.mobile,
      terminal: content.terminal,
      from: content.srcId,
      content: content.content,
      concat: content.concat,
      text: content.text,
      msgId,
      msgIdText: msgId,
      wantReport: content.wantReport,
      link: this.id,
    });
  }

  /** deliver_sm_resp (or a generic_nack) for a receipt or uplink: ESME_ROK takes it, else it waits. */
  private settled(sequenceNumber: number, status: number): void {
    const itemId = this.awaiting.get(sequenceNumber);
    if (itemId === undefined) {
      this.logger.debug({ sequenceNumber }, '未知的 deliver_sm_resp unknown deliver_sm_resp');
      return;
    }
    this.awaiting.delete(sequenceNumber);
    if (status === STATUS.ok) this.ctx.core.outbound.ack(itemId, this.id);
    else this.ctx.core.outbound.nack(itemId, this.id);
  }

  private nack(sequenceNumber: number, status: number): void {
    this.send({ command: 'generic_nack', commandStatus: status, sequenceNumber });
  }

  /** Leaves the bound set at once, so nothing more is written here. */
  private leave(): void {
    this.state = 'closed';
    this.awaiting.clear();
    this.ctx.core.outbound.unbind(this.id);
  }

  /** Ends an unbound link after its answer is written, as a refused bind does. */
  private endUnbound(why: string): void {
    this.logger.info(`断开未绑定连接 closing unbound link: ${why}`);
    this.leave();
    this.socket.end();
  }

  private drop(why: string, error?: DecodeError): void {
    this.logger.warn({ error }, `断开连接 closing link: ${why}`);
    this.leave();
    this.socket.destroy();
  }

  /** Encodes and writes; false when the PDU cannot be encoded (logged). Writes of one tick go together. */
  private send(pdu: SmppPdu): boolean {
    let frame: Buffer;
    try {
      frame = encodeSmpp(pdu);
    } catch (err) {
      this.logger.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
      return false;
    }
    this.writeFrame(frame);
    return true;
  }
}
