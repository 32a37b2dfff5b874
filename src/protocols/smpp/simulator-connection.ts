/**
 * One ESME connection to the simulated SMSC (the link mechanics are `simulator/sim-link.ts`).
 *
 * States: open (`login`) → bound (as transmitter, receiver or transceiver) → closed.
 * - open: only a bind_* is served; any other request gets generic_nack ESME_RINVBNDSTS (§4.3) and
 *   the link closes, as it does after a PDU that does not decode (a bad bind) and when no bind came
 *   within the login timeout. A
 *   refused bind (ESME_RINVSYSID 0x0F, ESME_RINVPASWD 0x0E) gets its response and the link closes.
 * - bound: submit_sm / data_sm are answered and recorded when the bind may transmit (else
 *   ESME_RINVBNDSTS); receipts and uplinks owed to the account are written here when the bind may
 *   receive (the core's Outbound picks the link) and acknowledged by deliver_sm_resp ESME_ROK;
 *   enquire_link and unbind are answered (§4.11, §4.2).
 * Bytes that cannot be framed close the link; a framed PDU that does not decode gets generic_nack
 * (§4.3) or, for a broken response, closes the link. The server goes on either way.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import type { OutgoingPayload, SimulatorCore } from '../simulator/core.js';
import { SimLink } from '../simulator/sim-link.js';
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

export class SmppSimConnection extends SimLink<SmppPdu, string> {
  private kind: BindKind | null = null;

  constructor(
    id: number,
    socket: Socket,
    private readonly ctx: SmscContext,
  ) {
    super(id, socket, ctx.core, ctx.logger, createSmppFramer(), 0x7fffffff);
  }

  protected decode(frame: Buffer): DecodeResult<SmppPdu> {
    return decodeSmpp(frame);
  }

  protected encode(pdu: SmppPdu): Buffer {
    return encodeSmpp(pdu);
  }

  /** A receipt or an uplink as a deliver_sm; the deliver_sm_resp settles it. */
  protected outgoing(sequenceNumber: number, payload: OutgoingPayload<string>): SmppPdu {
    return payload.kind === 'report'
      ? receiptDeliver(sequenceNumber, payload.report, this.ctx.preview(payload.report.msgId))
      : moDeliver(sequenceNumber, payload.mo);
  }

  /** unbind to a bound ESME (§4.2). */
  protected goodbye(sequenceNumber: number): SmppPdu {
    return { command: 'unbind', commandStatus: 0, sequenceNumber };
  }

  protected override undecodable(frame: Buffer, error: DecodeError): void {
    const verdict = undecodableVerdict(frame, error, 'ESME');
    if (verdict.kind === 'drop') {
      this.drop(verdict.message, error);
      return;
    }
    this.logger.warn({ error }, '报文无法解析，回 generic_nack undecodable PDU answered with generic_nack');
    this.nack(verdict.sequenceNumber, verdict.status);
    // Before a bind, a PDU that does not decode (a bad bind) ends the link: no one unbound lingers.
    if (this.state === 'login') this.endUnbound('未绑定时报文无法解析 undecodable PDU before bind');
  }

  protected handle(pdu: SmppPdu): void {
    if (this.state === 'login' && !(pdu.command in BIND_RESP) && pdu.command !== 'enquire_link') {
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
        this.settle(pdu.sequenceNumber, pdu.commandStatus === STATUS.ok, 'deliver_sm_resp');
        return;
      case 'generic_nack':
        // A generic_nack never takes a receipt, whatever its status says.
        this.settle(pdu.sequenceNumber, false, 'generic_nack');
        return;
      case 'enquire_link':
        this.send({ command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        return;
      case 'unbind':
        this.send({ command: 'unbind_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        this.end();
        return;
      case 'unbind_resp':
        this.end();
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
    const { core } = this;
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
      this.end();
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
    const { core } = this;
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

  private nack(sequenceNumber: number, status: number): void {
    this.send({ command: 'generic_nack', commandStatus: status, sequenceNumber });
  }

  /** Ends an unbound link after its answer is written, as a refused bind does. */
  private endUnbound(why: string): void {
    this.logger.info(`断开未绑定连接 closing unbound link: ${why}`);
    this.end();
  }
}
