/**
 * One TCP connection of an SMGP gateway, SP side (SMGP V3.0.3 long connection; protocols docs/protocols.md §3
 * transport), on the shared skeleton (session/link-connection.ts):
 *
 *   closed ──start / backoff timer──▶ connecting ──TCP up, Login sent──▶ binding
 *   binding ──Login_Resp Status 0, AuthenticatorServer checks──▶ bound
 *   bound ──close(): window drained (bounded), Exit sent──▶ unbinding
 *   connecting | binding | bound | unbinding ──error, timeout, refusal, peer Exit,
 *                                              3 Active_Tests unanswered, Exit_Resp──▶ closed
 *
 * Keepalive: Active_Test after `keepaliveMs` without an inbound PDU, resent after each unanswered
 * `requestTimeoutMs`, link dropped after 3 (C / T / N, docs/protocols.md §3). A Deliver is acknowledged only
 * after the gateway's handler settled. No byte logic here: PDUs come from the codec.
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
import { smgpAuthenticatorClient, smgpAuthenticatorServer, smgpTimestamp } from './auth.js';
import type { Deliver, SubmitBody, SubmitResp } from './client-mapping.js';
import { createSmgpFramer, decodeSmgp, encodeSmgp, type SmgpLayout, type SmgpPdu } from './codec.js';
import { legacyVersion, LOGIN_MODE, SMGP_VERSION_BYTE, smgpStatusReason, STATUS } from './codes.js';

export type { ProblemKind } from '../session/link-connection.js';
export type ConnectionState = LinkState;

export interface ConnectionEvents extends LinkEvents {
  /** Handles a Deliver; answers the Deliver_Resp Status. Never rejects. */
  deliver(pdu: Deliver): Promise<number>;
}

export interface ConnectionContext extends LinkContext {
  /** LoginMode (§5.2.2.1; docs/protocols.md §3.3): 0 send, 1 receive, 2 both. */
  loginMode: 0 | 1 | 2;
  events: ConnectionEvents;
}

interface SmgpLink extends Link<SubmitResp> {
  /** The Submit layout the Login settled on (ServerVersion below 3.0 → no FixedFee). */
  layout: SmgpLayout;
  /** Our AuthenticatorClient, which the SMGW's answer proves it has seen. */
  authClient: Buffer;
}

export class SmgpConnection extends LinkConnection<SmgpPdu, SubmitResp, SmgpLink, ConnectionContext> {
  constructor(index: number, ctx: ConnectionContext) {
    super(index, ctx, {
      name: 'SMGP',
      bindTimeout: 'Login_Resp 超时 no Login_Resp in time',
      unbindTimeout: 'no Exit_Resp',
      keepaliveDead: `Active_Test 无应答 unanswered ${KEEPALIVE_TRIES} times`,
    });
  }

  /** Bound in a LoginMode that may send: a receive-only link (docs/protocols.md §3.3) takes no Submit. */
  get canSubmit(): boolean {
    return this.state === 'bound' && this.sendsSubmits();
  }

  /**
   * Writes one Submit and answers how it ended, or null when there is no free slot on a bound link.
   * Throws `ERR_PROTOCOL_ENCODE` before writing anything when the part cannot be encoded.
   */
  submit(body: SubmitBody): Promise<RequestResult<SubmitResp>> | null {
    return this.request((sequenceId) => ({ ...body, sequenceId }));
  }

  protected override sendsSubmits(): boolean {
    return this.ctx.loginMode !== LOGIN_MODE.receive;
  }

  protected override newLink(shared: Link<SubmitResp>): SmgpLink {
    return { ...shared, layout: 'smgp30', authClient: Buffer.alloc(16) };
  }

  protected override newFramer(): Framer {
    return createSmgpFramer();
  }

  protected override encode(link: SmgpLink, pdu: SmgpPdu): Buffer {
    return encodeSmgp(pdu, link.layout);
  }

  protected override decode(link: SmgpLink, frame: Buffer): DecodeResult<SmgpPdu> {
    return decodeSmgp(frame, link.layout);
  }

  protected override undecodable(link: SmgpLink, frame: Buffer, error: DecodeError): void {
    const head = frame.subarray(0, 64).toString('hex');
    const { code, message } = error;
    this.drop(link, 'protocol', `无法解析 undecodable PDU from the SMGW: ${code} ${message} [${head}]`);
  }

  /** Login with the MD5 authenticator over a Beijing timestamp (§5.2.2.1; docs/protocols.md §3.3). */
  protected override bindPdu(link: SmgpLink): SmgpPdu {
    const { account, secret } = this.ctx.config;
    const ts = smgpTimestamp(this.ctx.clock.now());
    link.authClient = smgpAuthenticatorClient(account, secret, ts.text);
    return {
      command: 'SMGP_LOGIN',
      sequenceId: link.bindSeq,
      clientId: account,
      authenticatorClient: link.authClient,
      loginMode: this.ctx.loginMode,
      timeStamp: ts.value,
      clientVersion: SMGP_VERSION_BYTE,
    };
  }

  protected override unbindPdu(sequenceId: number): SmgpPdu {
    return { command: 'SMGP_EXIT', sequenceId };
  }

  protected override keepalivePdu(sequenceId: number): SmgpPdu {
    return { command: 'SMGP_ACTIVE_TEST', sequenceId };
  }

  protected override handle(link: SmgpLink, pdu: SmgpPdu): void {
    const state = this.state;
    switch (pdu.command) {
      case 'SMGP_LOGIN_RESP':
        if (state === 'binding' && pdu.sequenceId === link.bindSeq) this.bound(link, pdu);
        else this.log.warn({ seq: pdu.sequenceId, state }, '多余的 Login_Resp unexpected Login_Resp');
        return;
      case 'SMGP_SUBMIT_RESP':
        if (!link.window.answer(pdu.sequenceId, pdu))
          this.log.warn({ seq: pdu.sequenceId }, '迟到或未知的 Submit_Resp late or unknown Submit_Resp');
        return;
      case 'SMGP_DELIVER':
        if (state === 'bound' || state === 'unbinding') this.deliver(link, pdu);
        else this.log.warn({ state }, '未登录时收到 Deliver Deliver before login, ignored');
        return;
      case 'SMGP_ACTIVE_TEST':
        this.send(link, { command: 'SMGP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId });
        return;
      case 'SMGP_ACTIVE_TEST_RESP':
        return; // the keepalive already counted it
      case 'SMGP_EXIT':
        this.send(link, { command: 'SMGP_EXIT_RESP', sequenceId: pdu.sequenceId });
        this.drop(link, 'network', '网关发来 Exit the SMGW ended the connection', true);
        return;
      case 'SMGP_EXIT_RESP':
        if (state === 'unbinding' && pdu.sequenceId === link.unbindSeq) this.drop(link, null, 'exited');
        return;
      case 'SMGP_LOGIN':
      case 'SMGP_SUBMIT':
      case 'SMGP_DELIVER_RESP':
      case 'SMGP_QUERY':
      case 'SMGP_QUERY_RESP':
        this.log.warn({ command: pdu.command }, 'SP 端不处理此报文 PDU not expected by an SP, ignored');
        return;
    }
  }

  /** Login_Resp (§5.2.2.1): Status 0 and the SMGW's authenticator over our own, or a refusal. */
  private bound(link: SmgpLink, pdu: Extract<SmgpPdu, { command: 'SMGP_LOGIN_RESP' }>): void {
    link.setup?.cancel();
    const { status } = pdu;
    if (status !== STATUS.ok) {
      this.drop(link, 'auth', `SMGP Login 被拒绝 refused: Status ${status} ${smgpStatusReason(status)}`);
      return;
    }
    const expected = smgpAuthenticatorServer(status, link.authClient, this.ctx.config.secret);
    const why = 'AuthenticatorServer 校验失败 mismatch: the SMGW does not prove it holds our shared secret';
    if (!expected.equals(pdu.authenticatorServer) && !this.acceptServerAuthenticator(link, why)) return;
    // An SMGW that answers 1.x or 2.x takes Submits without FixedFee (docs/protocols.md §3.4); anything else,
    // a 0 some gateways leave there included, gets 3.0.
    link.layout = legacyVersion(pdu.serverVersion) ? 'smgp13' : 'smgp30';
    this.established(link, { serverVersion: pdu.serverVersion }, 'SMGP 连接已登录 connection logged in');
  }

  /** Deliver_Resp goes out only after the handler settled (gateway.ts), and on the link it came on. */
  private deliver(link: SmgpLink, pdu: Deliver): void {
    this.answerWhenSettled(
      link,
      this.ctx.events.deliver(pdu),
      STATUS.systemBusy,
      (status) => ({ command: 'SMGP_DELIVER_RESP', sequenceId: pdu.sequenceId, msgId: pdu.msgId, status }),
      { seq: pdu.sequenceId, message: '连接已断开 link gone before Deliver_Resp; the SMGW resends' },
    );
  }
}
