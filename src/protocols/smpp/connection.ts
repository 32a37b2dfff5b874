/**
 * One TCP connection of an SMPP gateway, ESME side, bound as transceiver, transmitter or receiver
 * (SMPP 3.4 §2.2–§2.3; docs/protocols.md §4), on the shared skeleton (session/link-connection.ts):
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, bind_* sent──▶ binding
 *   binding ──bind_*_resp ESME_ROK──▶ bound
 *   bound ──close(): window drained (bounded), unbind sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refused bind, peer unbind,
 *                                              3 enquire_links unanswered, unbind_resp──▶ closed
 *
 * Keepalive: enquire_link after `keepaliveMs` without an inbound PDU, resent after each unanswered
 * `requestTimeoutMs`, link dropped after 3 (§4.11). A deliver_sm (or data_sm) is answered only after
 * the gateway's handler settled. Peer bytes: a framing error drops the link; an unknown command_id
 * or a request whose body does not decode gets generic_nack and the link stays (§4.3); a response
 * that does not decode drops the link. No byte logic here: PDUs come from the codec.
 */
import type { Framer } from '../codec/framer.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import type { SmppOptions } from '../gateway.js';
import type { RequestResult } from '../session/request-tracker.js';
import {
  KEEPALIVE_TRIES,
  LinkConnection,
  type Link,
  type LinkContext,
  type LinkEvents,
  type LinkState,
  type ProblemKind,
} from '../session/link-connection.js';
import type { Delivered, SubmitAnswer, SubmitBody } from './client-mapping.js';
import { createSmppFramer, decodeSmpp, encodeSmpp, type SmppPdu } from './codec.js';
import { commandStatusReason, STATUS } from './codes.js';
import { bindPduOf, deliveredOf, undecodableVerdict, type BindKind } from './esme-pdus.js';

export type { BindKind } from './esme-pdus.js';
export type { ProblemKind } from '../session/link-connection.js';
export type ConnectionState = LinkState;

/** sequence_number runs 1..0x7FFFFFFF (§3.2). */
const MAX_SEQUENCE = 0x7fffffff;

export interface ConnectionEvents extends LinkEvents {
  /** Handles a deliver_sm / data_sm; answers the command_status of its response. Never rejects. */
  deliver(pdu: Delivered): Promise<number>;
}

export interface ConnectionContext extends LinkContext {
  options: SmppOptions;
  kind: BindKind;
  events: ConnectionEvents;
}

export class SmppConnection extends LinkConnection<
  SmppPdu,
  SubmitAnswer,
  Link<SubmitAnswer>,
  ConnectionContext
> {
  constructor(index: number, ctx: ConnectionContext) {
    super(
      index,
      ctx,
      {
        name: 'SMPP',
        bindTimeout: 'bind_resp 超时 no bind response in time',
        unbindTimeout: 'no unbind_resp',
        keepaliveDead: `${KEEPALIVE_TRIES} 次 enquire_link 无应答 enquire_link unanswered ${KEEPALIVE_TRIES} times`,
      },
      { logBindings: { bind: ctx.kind }, maxSequence: MAX_SEQUENCE },
    );
  }

  /** Whether this bind may submit (a receiver may not, §2.2). */
  get submits(): boolean {
    return this.sendsSubmits();
  }

  /**
   * Writes one submit_sm and answers how it ended, or null when there is no free slot on a bound
   * link. Throws `ERR_PROTOCOL_ENCODE` before writing anything when the body cannot be encoded.
   */
  submit(body: SubmitBody): Promise<RequestResult<SubmitAnswer>> | null {
    return this.request((sequenceNumber) => ({ ...body, sequenceNumber }));
  }

  protected override sendsSubmits(): boolean {
    return this.ctx.kind !== 'receiver';
  }

  /** A bind we cannot encode (a password over 8 characters, say) is a credentials problem. */
  protected override encodeFailureKind(pdu: SmppPdu): ProblemKind {
    return pdu.command.startsWith('bind_') ? 'auth' : 'protocol';
  }

  protected override newLink(shared: Link<SubmitAnswer>): Link<SubmitAnswer> {
    return shared;
  }

  protected override newFramer(): Framer {
    return createSmppFramer();
  }

  protected override encode(_link: Link<SubmitAnswer>, pdu: SmppPdu): Buffer {
    return encodeSmpp(pdu);
  }

  protected override decode(_link: Link<SubmitAnswer>, frame: Buffer): DecodeResult<SmppPdu> {
    return decodeSmpp(frame);
  }

  /** Framing holds, the PDU does not: generic_nack a request, drop on a broken response (esme-pdus.ts). */
  protected override undecodable(link: Link<SubmitAnswer>, frame: Buffer, error: DecodeError): void {
    link.keepalive?.alive(); // a PDU that frames proves the link alive even when it does not decode
    const verdict = undecodableVerdict(frame, error, 'SMSC');
    if (verdict.kind === 'drop') {
      this.drop(link, 'protocol', verdict.message);
      return;
    }
    this.log.warn({ error }, 'SMSC 报文无法处理，回 generic_nack undecodable PDU answered with generic_nack');
    this.nack(link, verdict.sequenceNumber, verdict.status);
  }

  /** bind_* with system_id / password / system_type in clear (§4.1; docs/protocols.md §4.3). */
  protected override bindPdu(link: Link<SubmitAnswer>): SmppPdu {
    return bindPduOf(this.ctx.kind, link.bindSeq, this.ctx.config, this.ctx.options);
  }

  protected override unbindPdu(sequenceNumber: number): SmppPdu {
    return { command: 'unbind', commandStatus: 0, sequenceNumber };
  }

  protected override keepalivePdu(sequenceNumber: number): SmppPdu {
    return { command: 'enquire_link', commandStatus: 0, sequenceNumber };
  }

  protected override handle(link: Link<SubmitAnswer>, pdu: SmppPdu): void {
    const state = this.state;
    switch (pdu.command) {
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
        if (state === 'binding' && pdu.sequenceNumber === link.bindSeq) this.bound(link, pdu.commandStatus);
        else this.log.warn({ seq: pdu.sequenceNumber, state }, '多余的 bind_resp unexpected bind response');
        return;
      case 'submit_sm_resp':
        if (!link.window.answer(pdu.sequenceNumber, pdu))
          this.log.warn(
            { seq: pdu.sequenceNumber },
            '迟到或未知的 submit_sm_resp late or unknown submit_sm_resp',
          );
        return;
      case 'generic_nack':
        this.nacked(link, pdu);
        return;
      case 'deliver_sm':
      case 'data_sm':
        this.delivered(link, pdu);
        return;
      case 'enquire_link':
        this.send(link, {
          command: 'enquire_link_resp',
          commandStatus: 0,
          sequenceNumber: pdu.sequenceNumber,
        });
        return;
      case 'enquire_link_resp':
        return; // the keepalive already counted it
      case 'unbind':
        this.send(link, { command: 'unbind_resp', commandStatus: 0, sequenceNumber: pdu.sequenceNumber });
        this.drop(link, 'network', 'SMSC 发来 unbind the SMSC unbound the connection', true);
        return;
      case 'unbind_resp':
        if (state === 'unbinding' && pdu.sequenceNumber === link.unbindSeq) this.drop(link, null, 'unbound');
        return;
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'submit_sm':
      case 'query_sm':
        // An SMSC's requests only; an ESME serves none of them (§4.3: generic_nack).
        this.nack(link, pdu.sequenceNumber, STATUS.invalidCommandId);
        return;
      case 'deliver_sm_resp':
      case 'data_sm_resp':
      case 'query_sm_resp':
        this.log.warn(
          { command: pdu.command },
          'ESME 未发出对应请求 response to no request of ours, ignored',
        );
        return;
    }
  }

  private nack(link: Link<SubmitAnswer>, sequenceNumber: number, status: number): void {
    this.send(link, { command: 'generic_nack', commandStatus: status, sequenceNumber });
  }

  /** bind_*_resp (§4.1.2): ESME_ROK binds; any other status is a refusal (RINVPASWD, RINVSYSID, …). */
  private bound(link: Link<SubmitAnswer>, status: number): void {
    link.setup?.cancel();
    if (status !== STATUS.ok) {
      this.drop(link, 'auth', `bind 被拒绝 refused: ${commandStatusReason(status)}`);
      return;
    }
    this.established(link, {}, 'SMPP 连接已绑定 connection bound');
  }

  /** A generic_nack answers whichever request carried its sequence_number. */
  private nacked(link: Link<SubmitAnswer>, pdu: SmppPdu & { command: 'generic_nack' }): void {
    if (link.window.answer(pdu.sequenceNumber, pdu)) return;
    if (this.state === 'binding' && pdu.sequenceNumber === link.bindSeq) {
      this.bound(link, pdu.commandStatus === STATUS.ok ? STATUS.invalidCommandId : pdu.commandStatus);
      return;
    }
    this.log.warn({ seq: pdu.sequenceNumber, status: pdu.commandStatus }, 'SMSC 发来 generic_nack');
  }

  /**
   * deliver_sm / data_sm: to the gateway when bound to receive; the response goes out only after
   * the handler settled (gateway.ts), on the link the PDU came on. A transmitter bind is not sent
   * these (§2.2); one that is answers ESME_RINVBNDSTS.
   */
  private delivered(link: Link<SubmitAnswer>, pdu: SmppPdu & { command: 'deliver_sm' | 'data_sm' }): void {
    const command = pdu.command === 'deliver_sm' ? 'deliver_sm_resp' : 'data_sm_resp';
    // message_id is unused in deliver_sm_resp and set to NULL (§4.6.2).
    const respond = (status: number): SmppPdu => ({
      command,
      commandStatus: status,
      sequenceNumber: pdu.sequenceNumber,
      messageId: '',
    });
    const state = this.state;
    if (this.ctx.kind === 'transmitter' || (state !== 'bound' && state !== 'unbinding')) {
      this.send(link, respond(STATUS.invalidBindStatus));
      return;
    }
    this.answerWhenSettled(link, this.ctx.events.deliver(deliveredOf(pdu)), STATUS.systemError, respond, {
      seq: pdu.sequenceNumber,
      message: '连接已断开，未发送响应 link gone before the response; the SMSC will deliver again',
    });
  }
}
