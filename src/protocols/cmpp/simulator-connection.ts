/**
 * One SP connection to the simulated ISMG (the link mechanics are `simulator/sim-link.ts`).
 *
 * - login: only CMPP_CONNECT is allowed; anything else (a SUBMIT first, say) closes the link. A
 *   refused login gets its CONNECT_RESP and the link is closed.
 * - bound: SUBMITs are answered and recorded; reports and uplinks owed to the account are written
 *   here (the core's Outbound picks the link) and acknowledged by DELIVER_RESP; ACTIVE_TEST and
 *   TERMINATE are answered (CMPP 3.0 §8.4.7, §8.4.2).
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import { peekCommandId } from '../codec/protocol.js';
import type { DecodeError, DecodeResult } from '../codec/result.js';
import type { OutgoingPayload, SimulatorCore } from '../simulator/core.js';
import { SimLink } from '../simulator/sim-link.js';
import {
  createCmppFramer,
  decodeCmpp,
  encodeCmpp,
  type CmppPdu,
  type CmppPduOf,
  type CmppVersion,
} from './codec.js';
import { connectStatusReason } from './codes.js';
import { cmppMsgIdText } from './msg-id.js';
import { answerConnect, moDeliver, readSubmit, reportDeliver, SUBMIT_VERDICT } from './simulator-pdus.js';
import { CMPP_COMMAND_IDS } from './tables.js';

export interface ConnectionDeps {
  /** The version the server speaks; a link may settle on 2.0 at login (see answerConnect). */
  server: CmppVersion;
  core: SimulatorCore<bigint>;
  logger: Logger;
}

export class CmppSimConnection extends SimLink<CmppPdu, bigint> {
  private version: CmppVersion;

  constructor(
    id: number,
    socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    super(id, socket, deps.core, deps.logger, createCmppFramer(deps.server));
    this.version = deps.server;
  }

  protected decode(frame: Buffer): DecodeResult<CmppPdu> {
    return decodeCmpp(this.version, frame);
  }

  protected encode(pdu: CmppPdu): Buffer {
    return encodeCmpp(this.version, pdu);
  }

  /** A report or an uplink as a CMPP_DELIVER; the DELIVER_RESP settles it. */
  protected outgoing(sequenceId: number, payload: OutgoingPayload<bigint>): CmppPdu {
    return payload.kind === 'report'
      ? reportDeliver(this.version, sequenceId, payload.report)
      : moDeliver(sequenceId, payload.mo);
  }

  /** TERMINATE to a bound SP (§8.4.2). */
  protected goodbye(sequenceId: number): CmppPdu {
    return { command: 'CMPP_TERMINATE', sequenceId };
  }

  /**
   * A SUBMIT whose header is sound but whose body does not add up (Msg_Length against the
   * Total_Length, say) is answered Result 4 / 1 and the link stays: the framing still holds. Any
   * other undecodable frame closes the link.
   */
  protected override undecodable(frame: Buffer, error: DecodeError): void {
    if (
      this.state === 'bound' &&
      peekCommandId(frame) === CMPP_COMMAND_IDS.CMPP_SUBMIT &&
      frame.length >= 12
    ) {
      this.core.count('submits');
      const result = error.code === 'BAD_FIELD' ? SUBMIT_VERDICT.badStructure : SUBMIT_VERDICT.badLength;
      this.logger.warn({ error }, '提交报文有误 malformed CMPP_SUBMIT answered');
      this.send({ command: 'CMPP_SUBMIT_RESP', sequenceId: frame.readUInt32BE(8), msgId: 0n, result });
      return;
    }
    super.undecodable(frame, error);
  }

  protected handle(pdu: CmppPdu): void {
    if (this.state === 'login' && pdu.command !== 'CMPP_CONNECT') {
      this.drop(`登录前收到 ${pdu.command} before CMPP_CONNECT`);
      return;
    }
    switch (pdu.command) {
      case 'CMPP_CONNECT':
        if (this.state === 'bound') this.drop('重复登录 second CMPP_CONNECT');
        else this.login(pdu);
        return;
      case 'CMPP_SUBMIT':
        this.submit(pdu);
        return;
      case 'CMPP_DELIVER_RESP':
        this.settle(pdu.sequenceId, pdu.result === 0, 'DELIVER_RESP');
        return;
      case 'CMPP_ACTIVE_TEST':
        this.send({ command: 'CMPP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId, reserved: 0 });
        return;
      case 'CMPP_ACTIVE_TEST_RESP':
        return;
      case 'CMPP_TERMINATE':
        this.send({ command: 'CMPP_TERMINATE_RESP', sequenceId: pdu.sequenceId });
        this.end();
        return;
      case 'CMPP_TERMINATE_RESP':
        this.end();
        return;
      case 'CMPP_QUERY':
        this.query(pdu);
        return;
      case 'CMPP_CANCEL':
        // Delivered at once, so there is never anything left to cancel: Success_Id 1 = failure (§8.4.6.2).
        this.send({ command: 'CMPP_CANCEL_RESP', sequenceId: pdu.sequenceId, successId: 1 });
        return;
      case 'CMPP_CONNECT_RESP':
      case 'CMPP_SUBMIT_RESP':
      case 'CMPP_DELIVER':
      case 'CMPP_QUERY_RESP':
      case 'CMPP_CANCEL_RESP':
        this.drop(`SP 不应发送 ${pdu.command} (not an SP's PDU)`);
        return;
    }
  }

  private login(pdu: CmppPduOf<'CMPP_CONNECT'>): void {
    const { core } = this;
    const answer = answerConnect(pdu, this.deps.server, core.account, core.secret, core.serverAuthenticator);
    this.version = answer.layout;
    this.send(answer.resp);
    if (answer.speak === null) {
      core.count('authFailures');
      this.logger.info(
        { status: answer.status, sourceAddr: pdu.sourceAddr, version: pdu.version },
        `登录被拒 login refused: ${connectStatusReason(answer.status)}`,
      );
      this.end();
      return;
    }
    this.state = 'bound';
    core.count('binds');
    this.logger.debug({ version: answer.speak }, '已登录 bound');
    core.outbound.bind(this);
  }

  private submit(pdu: CmppPduOf<'CMPP_SUBMIT'>): void {
    const { core } = this;
    core.count('submits');
    const config = core.config;
    if (!config.answerSubmits) return;
    const reply = (msgId: bigint, result: number): void => {
      this.send({ command: 'CMPP_SUBMIT_RESP', sequenceId: pdu.sequenceId, msgId, result });
    };
    if (config.submitResult !== 0) {
      reply(0n, config.submitResult);
      return;
    }
    const content = readSubmit(pdu, this.version);
    if (!content.ok) {
      this.logger.debug({ result: content.result, reason: content.reason }, '提交被拒 submit refused');
      reply(0n, content.result);
      return;
    }
    const msgId = core.newId();
    reply(msgId, SUBMIT_VERDICT.ok);
    const msgIdText = cmppMsgIdText(msgId);
    core.acceptEach(content, content.srcId, { msgId, msgIdText, link: this.id });
  }

  /** QUERY_RESP from the simulator's counters (§8.4.4.2); the simulator keeps no per-day split. */
  private query(pdu: CmppPduOf<'CMPP_QUERY'>): void {
    const s = this.core.stats();
    this.send({
      command: 'CMPP_QUERY_RESP',
      sequenceId: pdu.sequenceId,
      time: pdu.time,
      queryType: pdu.queryType,
      queryCode: pdu.queryCode,
      mtTlmsg: s.messages,
      mtTlusr: s.segments,
      mtScs: s.delivered,
      mtWt: s.reportsPending,
      mtFl: s.failed,
      moScs: s.uplinksAcked,
      moWt: 0,
      moFl: 0,
    });
  }
}
