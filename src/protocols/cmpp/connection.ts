/**
 * One TCP connection of a CMPP gateway, SP side (docs/protocols.md §1; CMPP 2.0 §6.1 / 3.0 §7.1 long
 * connection), on the shared skeleton (session/link-connection.ts):
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, CONNECT sent──▶ binding
 *   binding ──CONNECT_RESP Status 0, AuthenticatorISMG checks──▶ bound
 *   bound ──close(): window drained (bounded), TERMINATE sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refusal, peer TERMINATE,
 *                                              3 ACTIVE_TESTs unanswered, TERMINATE_RESP──▶ closed
 *
 * Keepalive: ACTIVE_TEST after `keepaliveMs` without an inbound PDU, resent after each unanswered
 * `requestTimeoutMs`, link dropped after 3 (C / T / N of docs/protocols.md §1). A DELIVER is acknowledged
 * only after the gateway's handler settled. No byte logic here: PDUs come from the codec.
 */
import type { Framer } from '../codec/framer.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import type { RequestResult } from '../session/request-tracker.js';
import {
  KEEPALIVE_TRIES,
  LinkConnection,
  type Link,
  type LinkContext,
  type LinkEvents,
  type LinkState,
} from '../session/link-connection.js';
import { cmppAuthenticatorIsmg, cmppAuthenticatorSource, cmppTimestamp } from './auth.js';
import type { Deliver, SubmitBody, SubmitResp } from './client-mapping.js';
import { createCmppFramer, decodeCmpp, encodeCmpp, type CmppPdu, type CmppVersion } from './codec.js';
import { connectStatusReason, DELIVER_RESULT } from './codes.js';
import { CMPP_VERSION_BYTE } from './tables.js';

export { LINK_STATES as CONNECTION_STATES, type ProblemKind } from '../session/link-connection.js';
export type ConnectionState = LinkState;

export interface ConnectionEvents extends LinkEvents {
  /** Handles a DELIVER; answers the DELIVER_RESP Result. Never rejects. */
  deliver(pdu: Deliver): Promise<number>;
}

export interface ConnectionContext extends LinkContext {
  version: CmppVersion;
  events: ConnectionEvents;
}

interface CmppLink extends Link<SubmitResp> {
  /** Our AuthenticatorSource, which the ISMG's answer proves it has seen. */
  authSource: Buffer;
}

export class CmppConnection extends LinkConnection<CmppPdu, SubmitResp, CmppLink, ConnectionContext> {
  constructor(index: number, ctx: ConnectionContext) {
    super(index, ctx, {
      name: 'CMPP',
      bindTimeout: 'CONNECT_RESP 超时 no CONNECT_RESP in time',
      unbindTimeout: 'no TERMINATE_RESP',
      keepaliveDead: `${KEEPALIVE_TRIES} 次 ACTIVE_TEST 无应答 ACTIVE_TEST unanswered ${KEEPALIVE_TRIES} times`,
    });
  }

  /**
   * Writes one SUBMIT and answers how it ended, or null when there is no free slot on a bound link.
   * Throws `ERR_PROTOCOL_ENCODE` before writing anything when the part cannot be encoded.
   */
  submit(body: SubmitBody): Promise<RequestResult<SubmitResp>> | null {
    return this.request((sequenceId) => ({ ...body, sequenceId }));
  }

  protected override newLink(shared: Link<SubmitResp>): CmppLink {
    return { ...shared, authSource: Buffer.alloc(16) };
  }

  protected override newFramer(): Framer {
    return createCmppFramer(this.ctx.version);
  }

  protected override encode(_link: CmppLink, pdu: CmppPdu): Buffer {
    return encodeCmpp(this.ctx.version, pdu);
  }

  protected override decode(_link: CmppLink, frame: Buffer): DecodeResult<CmppPdu> {
    return decodeCmpp(this.ctx.version, frame);
  }

  protected override undecodable(link: CmppLink, frame: Buffer, error: DecodeError): void {
    const head = frame.subarray(0, 64).toString('hex');
    this.drop(
      link,
      'protocol',
      `无法解析 cannot decode a PDU from the ISMG: ${error.code} ${error.message} [${head}]`,
    );
  }

  /** CONNECT with the MD5 authenticator over a Beijing timestamp (docs/protocols.md §1.3). */
  protected override bindPdu(link: CmppLink): CmppPdu {
    const { account, secret } = this.ctx.config;
    const ts = cmppTimestamp(this.ctx.clock.now());
    link.authSource = cmppAuthenticatorSource(account, secret, ts.text);
    return {
      command: 'CMPP_CONNECT',
      sequenceId: link.bindSeq,
      sourceAddr: account,
      authenticatorSource: link.authSource,
      version: CMPP_VERSION_BYTE[this.ctx.version],
      timestamp: ts.value,
    };
  }

  protected override unbindPdu(sequenceId: number): CmppPdu {
    return { command: 'CMPP_TERMINATE', sequenceId };
  }

  protected override keepalivePdu(sequenceId: number): CmppPdu {
    return { command: 'CMPP_ACTIVE_TEST', sequenceId };
  }

  protected override handle(link: CmppLink, pdu: CmppPdu): void {
    const state = this.state;
    switch (pdu.command) {
      case 'CMPP_CONNECT_RESP':
        if (state === 'binding' && pdu.sequenceId === link.bindSeq)
          this.bound(link, pdu.status, pdu.authenticatorIsmg);
        else this.log.warn({ seq: pdu.sequenceId, state }, '多余的 CONNECT_RESP unexpected CONNECT_RESP');
        return;
      case 'CMPP_SUBMIT_RESP':
        if (!link.window.answer(pdu.sequenceId, pdu))
          this.log.warn({ seq: pdu.sequenceId }, '迟到或未知的 SUBMIT_RESP late or unknown SUBMIT_RESP');
        return;
      case 'CMPP_DELIVER':
        if (state === 'bound' || state === 'unbinding') this.deliver(link, pdu);
        else this.log.warn({ state }, '未绑定时收到 DELIVER DELIVER before bind, ignored');
        return;
      case 'CMPP_ACTIVE_TEST':
        this.send(link, { command: 'CMPP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId, reserved: 0 });
        return;
      case 'CMPP_ACTIVE_TEST_RESP':
        return; // the keepalive already counted it
      case 'CMPP_TERMINATE':
        this.send(link, { command: 'CMPP_TERMINATE_RESP', sequenceId: pdu.sequenceId });
        this.drop(link, 'network', '网关发来 TERMINATE the ISMG terminated the connection', true);
        return;
      case 'CMPP_TERMINATE_RESP':
        if (state === 'unbinding' && pdu.sequenceId === link.unbindSeq) this.drop(link, null, 'unbound');
        return;
      case 'CMPP_CONNECT':
      case 'CMPP_SUBMIT':
      case 'CMPP_QUERY':
      case 'CMPP_QUERY_RESP':
      case 'CMPP_CANCEL':
      case 'CMPP_CANCEL_RESP':
      case 'CMPP_DELIVER_RESP':
        this.log.warn({ command: pdu.command }, 'SP 端不处理此报文 PDU not expected by an SP, ignored');
        return;
    }
  }

  /** CONNECT_RESP (docs/protocols.md §1.3): Status 0 and the ISMG's authenticator over our own, or a refusal. */
  private bound(link: CmppLink, status: number, authenticatorIsmg: Buffer): void {
    link.setup?.cancel();
    if (status !== 0) {
      this.drop(link, 'auth', `CMPP_CONNECT 被拒绝 refused: Status ${status} ${connectStatusReason(status)}`);
      return;
    }
    const expected = cmppAuthenticatorIsmg(this.ctx.version, 0, link.authSource, this.ctx.config.secret);
    if (
      !expected.equals(authenticatorIsmg) &&
      !this.acceptServerAuthenticator(
        link,
        'AuthenticatorISMG 校验失败 mismatch: the ISMG does not prove it holds our shared secret',
      )
    )
      return;
    this.established(link, { version: this.ctx.version }, 'CMPP 连接已绑定 connection bound');
  }

  /** DELIVER_RESP goes out only after the handler settled (gateway.ts), and on the link it came on. */
  private deliver(link: CmppLink, pdu: Deliver): void {
    this.answerWhenSettled(
      link,
      this.ctx.events.deliver(pdu),
      DELIVER_RESULT.other,
      (result) => ({ command: 'CMPP_DELIVER_RESP', sequenceId: pdu.sequenceId, msgId: pdu.msgId, result }),
      {
        seq: pdu.sequenceId,
        message: '连接已断开，未发送 DELIVER_RESP link gone before DELIVER_RESP; the ISMG will deliver again',
      },
    );
  }
}
