/**
 * One SP connection to the simulated ISMG.
 *
 * States: login → bound → closed.
 * - login: only CMPP_CONNECT is allowed; anything else (a SUBMIT first, say) closes the link. A
 *   refused login gets its CONNECT_RESP and the link is closed.
 * - bound: SUBMITs are answered and recorded; reports and uplinks owed to the account are written
 *   here (the core's Outbound picks the link) and acknowledged by DELIVER_RESP; ACTIVE_TEST and
 *   TERMINATE are answered (CMPP 3.0 §8.4.7, §8.4.2).
 * - closed: input is ignored; what was in flight without an answer goes back to the core.
 * Bytes that cannot be framed or decoded are logged and close the link; the server goes on.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import type { Framer } from '../codec/framer.js';
import { peekCommandId } from '../codec/protocol.js';
import type { DecodeError } from '../codec/result.js';
import { closeUnlessLoggedIn, type OutgoingPayload, type SimulatorCore } from '../simulator/core.js';
import type { OutboundItem, OutboundLink } from '../simulator/outbound.js';
import { createTickWriter } from '../session/tick-writer.js';
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

type State = 'login' | 'bound' | 'closed';

/** How long a goodbye may take before the socket is destroyed. */
const GOODBYE_MS = 500;

export class CmppSimConnection implements OutboundLink<OutgoingPayload<bigint>> {
  private state: State = 'login';
  private version: CmppVersion;
  private readonly framer: Framer;
  private sequence = 0;
  /** Sequence_Id of each DELIVER written → the outbound item it carries. */
  private readonly awaiting = new Map<number, number>();
  private readonly writeFrame: (frame: Buffer) => void;
  private readonly logger: Logger;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.version = deps.server;
    this.framer = createCmppFramer(deps.server);
    this.writeFrame = createTickWriter(socket);
    this.logger = deps.logger.child({
      link: id,
      remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    });
    deps.core.connectionOpened();
    closeUnlessLoggedIn(socket, deps.core, () => this.state === 'bound');
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.state = 'closed';
        this.awaiting.clear();
        deps.core.connectionClosed(id);
        resolve();
      });
    });
    socket.on('error', (err) => this.logger.debug({ err }, '连接错误 link error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        this.received(chunk);
      } catch (err) {
        // A fault while handling one SP's bytes must not take down the links of the others.
        this.logger.error({ err }, '处理报文出错 failed handling a PDU');
        this.drop('内部错误 internal error');
      }
    });
  }

  /** Writes a report or an uplink as a CMPP_DELIVER; the DELIVER_RESP settles it. */
  write(item: OutboundItem<OutgoingPayload<bigint>>): void {
    const sequenceId = this.nextSequence();
    const payload = item.payload;
    const pdu =
      payload.kind === 'report'
        ? reportDeliver(this.version, sequenceId, payload.report)
        : moDeliver(sequenceId, payload.mo);
    if (!this.send(pdu)) {
      this.deps.core.outbound.drop(item.id);
      return;
    }
    this.awaiting.set(sequenceId, item.id);
  }

  /** Server shutdown: TERMINATE to a bound SP (§8.4.2), then close, destroying after a bounded wait. */
  shutdown(): Promise<void> {
    if (this.state !== 'closed') {
      const bound = this.state === 'bound';
      this.leave();
      if (bound) this.send({ command: 'CMPP_TERMINATE', sequenceId: this.nextSequence() });
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), GOODBYE_MS);
      void this.closed.then(() => clearTimeout(timer));
    }
    return this.closed;
  }

  private received(chunk: Buffer): void {
    if (this.isClosed()) return;
    const framed = this.framer.push(chunk);
    for (const frame of framed.frames) {
      // A PDU earlier in the chunk (TERMINATE, a bad login) may have closed the link.
      if (this.isClosed()) return;
      const decoded = decodeCmpp(this.version, frame);
      if (decoded.ok) this.handle(decoded.value);
      else this.undecodable(frame, decoded.error);
    }
    if (!framed.ok && !this.isClosed()) this.drop('无法分帧 unframeable bytes', framed.error);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  /**
   * A SUBMIT whose header is sound but whose body does not add up (Msg_Length against the
   * Total_Length, say) is answered Result 4 / 1 and the link stays: the framing still holds. Any
   * other undecodable frame closes the link.
   */
  private undecodable(frame: Buffer, error: DecodeError): void {
    if (
      this.state === 'bound' &&
      peekCommandId(frame) === CMPP_COMMAND_IDS.CMPP_SUBMIT &&
      frame.length >= 12
    ) {
      this.deps.core.count('submits');
      const result = error.code === 'BAD_FIELD' ? SUBMIT_VERDICT.badStructure : SUBMIT_VERDICT.badLength;
      this.logger.warn({ error }, '提交报文有误 malformed CMPP_SUBMIT answered');
      this.send({ command: 'CMPP_SUBMIT_RESP', sequenceId: frame.readUInt32BE(8), msgId: 0n, result });
      return;
    }
    this.drop('报文无法解析 undecodable PDU', error);
  }

  private handle(pdu: CmppPdu): void {
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
        this.delivered(pdu);
        return;
      case 'CMPP_ACTIVE_TEST':
        this.send({ command: 'CMPP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId, reserved: 0 });
        return;
      case 'CMPP_ACTIVE_TEST_RESP':
        return;
      case 'CMPP_TERMINATE':
        this.send({ command: 'CMPP_TERMINATE_RESP', sequenceId: pdu.sequenceId });
        this.leave();
        this.socket.end();
        return;
      case 'CMPP_TERMINATE_RESP':
        this.leave();
        this.socket.end();
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
    const { core } = this.deps;
    const answer = answerConnect(pdu, this.deps.server, core.account, core.secret);
    this.version = answer.layout;
    this.send(answer.resp);
    if (answer.speak === null) {
      core.count('authFailures');
      this.logger.info(
        { status: answer.status, sourceAddr: pdu.sourceAddr, version: pdu.version },
        `登录被拒 login refused: ${connectStatusReason(answer.status)}`,
      );
      this.leave();
      this.socket.end();
      return;
    }
    this.state = 'bound';
    core.count('binds');
    this.logger.debug({ version: answer.speak }, '已登录 bound');
    core.outbound.bind(this);
  }

  private submit(pdu: CmppPduOf<'CMPP_SUBMIT'>): void {
    const { core } = this.deps;
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
    for (const destination of content.destinations) {
      core.accept({
        mobile: destination.mobile,
        terminal: destination.raw,
        from: content.srcId,
        content: content.content,
        concat: content.concat,
        text: content.text,
        msgId,
        msgIdText,
        wantReport: content.wantReport,
        link: this.id,
      });
    }
  }

  private delivered(pdu: CmppPduOf<'CMPP_DELIVER_RESP'>): void {
    const itemId = this.awaiting.get(pdu.sequenceId);
    if (itemId === undefined) {
      this.logger.debug({ sequenceId: pdu.sequenceId }, '未知的 DELIVER_RESP unknown DELIVER_RESP');
      return;
    }
    this.awaiting.delete(pdu.sequenceId);
    if (pdu.result === 0) this.deps.core.outbound.ack(itemId, this.id);
    else this.deps.core.outbound.nack(itemId, this.id);
  }

  /** QUERY_RESP from the simulator's counters (§8.4.4.2); the simulator keeps no per-day split. */
  private query(pdu: CmppPduOf<'CMPP_QUERY'>): void {
    const s = this.deps.core.stats();
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

  /** Leaves the bound set at once, so nothing more is written here. */
  private leave(): void {
    this.state = 'closed';
    this.awaiting.clear();
    this.deps.core.outbound.unbind(this.id);
  }

  private drop(why: string, error?: DecodeError): void {
    this.logger.warn({ error }, `断开连接 closing link: ${why}`);
    this.leave();
    this.socket.destroy();
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0xffffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /**
   * Encodes and writes; false when the PDU cannot be encoded (logged). Writes within one tick are
   * corked together, so a batch of reports or answers leaves in few TCP segments.
   */
  private send(pdu: CmppPdu): boolean {
    let frame: Buffer;
    try {
      frame = encodeCmpp(this.version, pdu);
    } catch (err) {
      this.logger.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
      return false;
    }
    this.writeFrame(frame);
    return true;
  }
}
