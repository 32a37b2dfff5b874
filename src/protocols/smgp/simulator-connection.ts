/**
 * One SP connection to the simulated SMGW.
 *
 * States: login → bound → closed.
 * - login: only Login is allowed; anything else (a Submit first, say) closes the link. A refused
 *   login gets its Login_Resp and the link is closed.
 * - bound: Submits are answered and recorded; reports and uplinks owed to the account are written
 *   here (the core's Outbound picks the link) and acknowledged by Deliver_Resp; Active_Test, Exit
 *   and Query are answered (docs/protocols.md §3.7). LoginMode decides what the link carries (docs/protocols.md §3.3):
 *   a send-only link (0) gets no Delivers, a receive-only one (1) has its Submits refused (11).
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

type State = 'login' | 'bound' | 'closed';

/** How long a goodbye may take before the socket is destroyed. */
const GOODBYE_MS = 500;

/** The MsgID of a refused Submit: no message was made, so no id names it. */
const NO_MSG_ID = Buffer.alloc(10);

export class SmgpSimConnection implements OutboundLink<OutgoingPayload<Buffer>> {
  private state: State = 'login';
  private layout: SmgpLayout = 'smgp30';
  private loginMode: number = LOGIN_MODE.transmit;
  private readonly framer: Framer = createSmgpFramer();
  private sequence = 0;
  /** SequenceID of each Deliver written → the outbound item it carries. */
  private readonly awaiting = new Map<number, number>();
  private readonly writeFrame: (frame: Buffer) => void;
  private readonly logger: Logger;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
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

  /** Writes a report or an uplink as a Deliver; the Deliver_Resp settles it. */
  write(item: OutboundItem<OutgoingPayload<Buffer>>): void {
    const sequenceId = this.nextSequence();
    const { payload } = item;
    const now = this.deps.core.clock.now();
    const pdu =
      payload.kind === 'report'
        ? reportDeliver(sequenceId, payload.report, now)
        : moDeliver(sequenceId, payload.mo, now);
    if (!this.send(pdu)) {
      this.deps.core.outbound.drop(item.id);
      return;
    }
    this.awaiting.set(sequenceId, item.id);
  }

  /** Server shutdown: Exit to a bound SP (docs/protocols.md §3.7), then close, destroying after a bounded wait. */
  shutdown(): Promise<void> {
    if (this.state !== 'closed') {
      const bound = this.state === 'bound';
      this.leave();
      if (bound) this.send({ command: 'SMGP_EXIT', sequenceId: this.nextSequence() });
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), GOODBYE_MS);
      void this.closed.then(() => clearTimeout(timer));
    }
    return this.closed;
  }

  private received(chunk: Buffer): void {
    if (this.state === 'closed') return;
    const framed = this.framer.push(chunk);
    for (const frame of framed.frames) {
      // A PDU earlier in the chunk (Exit, a bad login) may have closed the link.
      if (this.isClosed()) return;
      const decoded = decodeSmgp(frame, this.layout);
      if (decoded.ok) this.handle(decoded.value);
      else this.undecodable(frame, decoded.error);
    }
    if (!framed.ok && !this.isClosed()) this.drop('无法分帧 unframeable bytes', framed.error);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  /**
   * A Submit whose header is sound but whose body does not add up (MsgLength against PacketLength,
   * say) is answered Status 36 / 10 and the link stays: the framing still holds. Any other
   * undecodable frame closes the link.
   */
  private undecodable(frame: Buffer, error: DecodeError): void {
    if (
      this.state === 'bound' &&
      peekCommandId(frame) === SMGP_COMMAND_IDS.SMGP_SUBMIT &&
      frame.length >= 12
    ) {
      this.deps.core.count('submits');
      const lengths = error.code === 'TRUNCATED' || error.code === 'LENGTH_MISMATCH';
      const status = lengths ? STATUS.badMsgLength : STATUS.badStructure;
      this.logger.warn({ error }, '提交报文有误 malformed Submit answered');
      this.send({ command: 'SMGP_SUBMIT_RESP', sequenceId: frame.readUInt32BE(8), msgId: NO_MSG_ID, status });
      return;
    }
    this.drop('报文无法解析 undecodable PDU', error);
  }

  private handle(pdu: SmgpPdu): void {
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
        this.delivered(pdu);
        return;
      case 'SMGP_ACTIVE_TEST':
        this.send({ command: 'SMGP_ACTIVE_TEST_RESP', sequenceId: pdu.sequenceId });
        return;
      case 'SMGP_ACTIVE_TEST_RESP':
        return;
      case 'SMGP_EXIT':
        this.send({ command: 'SMGP_EXIT_RESP', sequenceId: pdu.sequenceId });
        this.leave();
        this.socket.end();
        return;
      case 'SMGP_EXIT_RESP':
        this.leave();
        this.socket.end();
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
    const { core } = this.deps;
    const answer = answerLogin(pdu, core.account, core.secret);
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
      this.leave();
      this.socket.end();
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
    const { core } = this.deps;
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
    for (const destination of content.destinations) {
      core.accept({
        mobile: destination.mobile,
        terminal: destination.raw,
        from: content.srcTermId,
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

  private delivered(pdu: SmgpPduOf<'SMGP_DELIVER_RESP'>): void {
    const itemId = this.awaiting.get(pdu.sequenceId);
    if (itemId === undefined) {
      this.logger.debug({ sequenceId: pdu.sequenceId }, '未知的 Deliver_Resp unknown Deliver_Resp');
      return;
    }
    this.awaiting.delete(pdu.sequenceId);
    if (pdu.status === STATUS.ok) this.deps.core.outbound.ack(itemId, this.id);
    else this.deps.core.outbound.nack(itemId, this.id);
  }

  /** Query_Resp from the simulator's counters (docs/protocols.md §3.7); the simulator keeps no per-day split. */
  private query(pdu: SmgpPduOf<'SMGP_QUERY'>): void {
    const s = this.deps.core.stats();
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

  /** Encodes and writes (corked per tick); false when the PDU cannot be encoded (logged). */
  private send(pdu: SmgpPdu): boolean {
    let frame: Buffer;
    try {
      frame = encodeSmgp(pdu, this.layout);
    } catch (err) {
      this.logger.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
      return false;
    }
    this.writeFrame(frame);
    return true;
  }
}
