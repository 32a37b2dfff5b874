/**
 * One SP connection to the simulated SMGW (the link mechanics are `simulator/sim-link.ts`).
 *
 * - login: only Login is allowed; anything else (a Submit first, say) closes the link. A refused
 *   login gets its Login_Resp and the link is closed.
 * - bound: Submits are answered and recorded; reports and uplinks owed to the account are written
 *   here (the core's Outbound picks the link) and acknowledged by Deliver_Resp; Active_Test, Exit
 *   and Query are answered (docs/protocols.md §3.7). LoginMode decides what the link carries (docs/protocols.md §3.3):
 *   a send-only link (0) gets no Delivers, a receive-only one (1) has its Submits refused (11).
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import { peekCommandId } from '../codec/protocol.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import type { OutgoingPayload, SimulatorCore } from '../simulator/core.js';
import { SimLink } from '../simulator/sim-link.js';
import {
  createSmgpFramer,
  decodeSmgp,
  encodeSmgp,
  type SmgpLayout,
  type SmgpPdu,
  type SmgpPduOf,
} from './codec.js';
import { LOGIN_MODE, smgpStatusReason, STATUS } from './codes.js';
import { smgpMsgIdText } from './msg-id.js';
import { answerLogin, moDeliver, readSubmit, reportDeliver } from './simulator-pdus.js';
import { SMGP_COMMAND_IDS } from './tables.js';

export interface ConnectionDeps {
  core: SimulatorCore<Buffer>;
  logger: Logger;
}

/** The MsgID of a refused Submit: no message was made, so no id names it. */
const NO_MSG_ID = Buffer.alloc(10);

export class SmgpSimConnection extends SimLink<SmgpPdu, Buffer> {
  private layout: SmgpLayout = 'smgp30';
  private loginMode: number = LOGIN_MODE.transmit;

  constructor(id: number, socket: Socket, deps: ConnectionDeps) {
    super(id, socket, deps.core, deps.logger, createSmgpFramer());
  }

  protected decode(frame: Buffer): DecodeResult<SmgpPdu> {
    return decodeSmgp(frame, this.layout);
  }

  protected encode(pdu: SmgpPdu): Buffer {
    return encodeSmgp(pdu, this.layout);
  }

  /** A report or an uplink as a Deliver; the Deliver_Resp settles it. */
  protected outgoing(sequenceId: number, payload: OutgoingPayload<Buffer>): SmgpPdu {
    const now = this.core.clock.now();
    return payload.kind === 'report'
      ? reportDeliver(sequenceId, payload.report, now)
      : moDeliver(sequenceId, payload.mo, now);
  }

  /** Exit to a bound SP (docs/protocols.md §3.7). */
  protected goodbye(sequenceId: number): SmgpPdu {
    return { command: 'SMGP_EXIT', sequenceId };
  }

  /**
   * A Submit whose header is sound but whose body does not add up (MsgLength against PacketLength,
   * say) is answered Status 36 / 10 and the link stays: the framing still holds. Any other
   * undecodable frame closes the link.
   */
  protected override undecodable(frame: Buffer, error: DecodeError): void {
    if (
      this.state === 'bound' &&
      peekCommandId(frame) === SMGP_COMMAND_IDS.SMGP_SUBMIT &&
      frame.length >= 12
    ) {
      this.core.count('submits');
      const lengths = error.code === 'TRUNCATED' || error.code === 'LENGTH_MISMATCH';
      const status = lengths ? STATUS.badMsgLength : STATUS.badStructure;
      this.logger.warn({ error }, '提交报文有误 malformed Submit answered');
      this.send({ command: 'SMGP_SUBMIT_RESP', sequenceId: frame.readUInt32BE(8), msgId: NO_MSG_ID, status });
      return;
    }
    super.undecodable(frame, error);
  }

  protected handle(pdu: SmgpPdu): void {
    if (this.state === 'login' && pdu.command !== 'SMGP_LOGIN') {
      this.drop(`登录前收到 ${pdu.command} before Login`);
      return;
    }
    switch (pdu.command) {
      case 'SMGP_LOGIN':
        if (this.state === 'bound') this.drop('重复登录 second Login');
        else this.login(pdu);
        return;
      case 'SMGP_SUBMIT':
        this.submit(pdu);
        return;
      case 'SMGP_DELIVER_RESP':
        this.settle(pdu.sequenceId, pdu.status === STATUS.ok, 'Deliver_Resp');
        return;
      case 'SMGP_ACTIVE_TEST':
        this.send({ command: 'SMGP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId });
        return;
      case 'SMGP_ACTIVE_TEST_RESP':
        return;
      case 'SMGP_EXIT':
        this.send({ command: 'SMGP_EXIT_RESP', sequenceId: pdu.sequenceId });
        this.end();
        return;
      case 'SMGP_EXIT_RESP':
        this.end();
        return;
      case 'SMGP_QUERY':
        this.query(pdu);
        return;
      case 'SMGP_LOGIN_RESP':
      case 'SMGP_SUBMIT_RESP':
      case 'SMGP_DELIVER':
      case 'SMGP_QUERY_RESP':
        this.drop(`SP 不应发送 ${pdu.command} (not an SP's PDU)`);
        return;
    }
  }

  private login(pdu: SmgpPduOf<'SMGP_LOGIN'>): void {
    const { core } = this;
    const answer = answerLogin(pdu, core.account, core.secret, core.serverAuthenticator);
    this.send(answer.resp);
    if (answer.layout === null) {
      core.count('authFailures');
      const { status } = answer;
      const context = {
        status,
        clientId: pdu.clientId,
        version: pdu.clientVersion,
        loginMode: pdu.loginMode,
      };
      this.logger.info(context, `登录被拒 login refused: ${smgpStatusReason(status)}`);
      this.end();
      return;
    }
    this.layout = answer.layout;
    this.loginMode = answer.loginMode;
    this.state = 'bound';
    core.count('binds');
    this.logger.debug({ layout: this.layout, loginMode: this.loginMode }, '已登录 logged in');
    // A send-only link takes no Delivers: reports and uplinks wait for a link that receives.
    if (this.loginMode !== LOGIN_MODE.send) core.outbound.bind(this);
  }

  private submit(pdu: SmgpPduOf<'SMGP_SUBMIT'>): void {
    const { core } = this;
    core.count('submits');
    const config = core.config;
    if (!config.answerSubmits) return;
    const reply = (msgId: Buffer, status: number): void => {
      this.send({ command: 'SMGP_SUBMIT_RESP', sequenceId: pdu.sequenceId, msgId, status });
    };
    if (this.loginMode === LOGIN_MODE.receive) {
      reply(NO_MSG_ID, STATUS.badCommand);
      return;
    }
    if (config.submitResult !== 0) {
      reply(NO_MSG_ID, config.submitResult);
      return;
    }
    const content = readSubmit(pdu);
    if (!content.ok) {
      this.logger.debug({ status: content.status, reason: content.reason }, '提交被拒 submit refused');
      reply(NO_MSG_ID, content.status);
      return;
    }
    const msgId = core.newId();
    reply(msgId, STATUS.ok);
    const msgIdText = smgpMsgIdText(msgId);
    core.acceptEach(content, content.srcTermId, { msgId, msgIdText, link: this.id });
  }

  /** Query_Resp from the simulator's counters (docs/protocols.md §3.7); the simulator keeps no per-day split. */
  private query(pdu: SmgpPduOf<'SMGP_QUERY'>): void {
    const s = this.core.stats();
    this.send({
      command: 'SMGP_QUERY_RESP',
      sequenceId: pdu.sequenceId,
      queryTime: pdu.queryTime,
      queryType: pdu.queryType,
      queryCode: pdu.queryCode,
      mtTlMsg: s.messages,
      mtTlUsr: s.segments,
      mtScs: s.delivered,
      mtWt: s.reportsPending,
      mtFl: s.failed,
      moScs: s.uplinksAcked,
      moWt: 0,
      moFl: 0,
    });
  }
}
