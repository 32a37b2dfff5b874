/**
 * One SP connection to the simulated SMG (SGIP 1.2 §3.7.2, SP → SMG direction).
 *
 * States: login → bound → closed.
 * - login: only SGIP_BIND; Login Type 1 with exactly the configured account and secret binds
 *   (Result 0); a wrong type gets Result 4, wrong credentials Result 1, and the link closes
 *   (§3.7.2.1). Anything else first closes the link.
 * - bound: SUBMITs are answered (Result 0, the configured `submitResult`, or not at all) and their
 *   segments recorded on the handsets; UNBIND is answered and the link closes (§4.2.3.2); other
 *   well-formed commands get their response with an error (§3.7.2.4.2). A link idle for long is
 *   dropped (§3.1: the server may, after 60 s by default).
 * - closed: input is ignored.
 * Reports and uplinks do not go back on this link: the SMG opens its own to the SP (simulator-peer.ts).
 * Bytes that cannot be framed or decoded close this link (§3.7.2.4.2); the server goes on.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/log.js';
import { closeUnlessLoggedIn, type SimulatorCore } from '../simulator/core.js';
import { createTickWriter } from '../session/tick-writer.js';
import { createSgipFramer, decodeSgip, encodeSgip, type SgipPdu, type SgipPduOf } from './codec.js';
import { LOGIN_TYPE, REPORT_FLAG, RESULT, sgipCodeReason } from './codes.js';
import { refusalOf } from './refusal.js';
import { sequenceFields, sequenceOf, sgipSequenceText, type SgipSequence } from './sequence.js';
import { bindResult, readSubmit, wantsReport } from './simulator-pdus.js';
import type { ReportFilter } from './simulator-peer.js';

export interface SimConnectionDeps {
  core: SimulatorCore<SgipSequence>;
  logger: Logger;
  /** SUBMITs with ReportFlag 0 are reported only when they fail. */
  reportFilter: ReportFilter;
  /** An SP link idle this long is dropped. */
  idleMs: number;
}

/** How long a goodbye may take before the socket is destroyed. */
const GOODBYE_MS = 500;

export class SgipSimConnection {
  private state: 'login' | 'bound' | 'closed' = 'login';
  private readonly framer = createSgipFramer();
  private readonly writeFrame: (frame: Buffer) => void;
  private readonly logger: Logger;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastActivity = Date.now();
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly deps: SimConnectionDeps,
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
        this.leave();
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
    this.armIdle(deps.idleMs);
  }

  /** Server shutdown: UNBIND to a bound SP (§4.2.3.2), then close, destroying after a bounded wait. */
  shutdown(): Promise<void> {
    if (this.state !== 'closed') {
      const bound = this.state === 'bound';
      this.leave();
      if (bound) this.send({ command: 'SGIP_UNBIND', ...sequenceFields(this.deps.core.newId()) });
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), GOODBYE_MS);
      void this.closed.then(() => clearTimeout(timer));
    }
    return this.closed;
  }

  private received(chunk: Buffer): void {
    if (this.isClosed()) return;
    this.lastActivity = Date.now();
    const framed = this.framer.push(chunk);
    for (const frame of framed.frames) {
      // A PDU earlier in the chunk (UNBIND, a refused login) may have closed the link.
      if (this.isClosed()) return;
      const decoded = decodeSgip(frame);
      if (!decoded.ok) {
        this.drop(`报文无法解析 undecodable PDU: ${decoded.error.code} ${decoded.error.message}`);
        return;
      }
      this.handle(decoded.value);
    }
    if (!framed.ok && !this.isClosed())
      this.drop(`无法分帧 unframeable bytes: ${framed.error.code} ${framed.error.message}`);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private handle(pdu: SgipPdu): void {
    if (this.state === 'login') {
      if (pdu.command === 'SGIP_BIND') this.login(pdu);
      else this.drop(`登录前收到 ${pdu.command} before SGIP_BIND`);
      return;
    }
    switch (pdu.command) {
      case 'SGIP_SUBMIT':
        this.submit(pdu);
        return;
      case 'SGIP_UNBIND':
        this.send({ command: 'SGIP_UNBIND_RESP', ...sequenceFields(sequenceOf(pdu)) });
        this.leave();
        this.socket.end();
        return;
      case 'SGIP_UNBIND_RESP':
        this.leave();
        this.socket.end();
        return;
      case 'SGIP_BIND':
      case 'SGIP_DELIVER':
      case 'SGIP_REPORT':
      case 'SGIP_TRACE':
      case 'SGIP_BIND_RESP':
      case 'SGIP_SUBMIT_RESP':
      case 'SGIP_DELIVER_RESP':
      case 'SGIP_REPORT_RESP':
      case 'SGIP_TRACE_RESP': {
        const refusal = refusalOf(pdu);
        if (refusal) this.send(refusal);
        return;
      }
    }
  }

  private login(pdu: SgipPduOf<'SGIP_BIND'>): void {
    const { core } = this.deps;
    const result = bindResult(pdu, LOGIN_TYPE.spToSmg, core.account, core.secret);
    this.send({ command: 'SGIP_BIND_RESP', ...sequenceFields(sequenceOf(pdu)), result });
    if (result !== RESULT.ok) {
      core.count('authFailures');
      this.logger.info(
        { result, loginName: pdu.loginName, loginType: pdu.loginType },
        `登录被拒 login refused: ${sgipCodeReason(result)}`,
      );
      this.leave();
      this.socket.end();
      return;
    }
    this.state = 'bound';
    core.count('binds');
    this.logger.debug('已登录 bound');
  }

  private submit(pdu: SgipPduOf<'SGIP_SUBMIT'>): void {
    const { core } = this.deps;
    core.count('submits');
    const config = core.config;
    if (!config.answerSubmits) return;
    const sequence = sequenceOf(pdu);
    const reply = (result: number): void => {
      this.send({ command: 'SGIP_SUBMIT_RESP', ...sequenceFields(sequence), result });
    };
    if (config.submitResult !== 0) {
      reply(config.submitResult);
      return;
    }
    const content = readSubmit(pdu);
    if (!content.ok) {
      this.logger.debug({ result: content.result, reason: content.reason }, '提交被拒 submit refused');
      reply(content.result);
      return;
    }
    reply(RESULT.ok);
    // The SUBMIT's own triple names it: the REPORT repeats it (§4.2.3.5.1; docs/protocols.md §2.1).
    const msgIdText = sgipSequenceText(sequence);
    const wantReport = wantsReport(content.reportFlag);
    if (content.reportFlag === REPORT_FLAG.errorOnly)
      this.deps.reportFilter.onlyFailures(msgIdText, content.destinations.length);
    for (const destination of content.destinations) {
      core.accept({
        mobile: destination.mobile,
        terminal: destination.raw,
        from: content.spNumber,
        content: content.content,
        concat: content.concat,
        text: content.text,
        msgId: sequence,
        msgIdText,
        wantReport,
        link: this.id,
      });
    }
  }

  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.isClosed()) return;
      const idle = Date.now() - this.lastActivity;
      if (idle < this.deps.idleMs) this.armIdle(this.deps.idleMs - idle);
      else this.drop('空闲 idle');
    }, ms);
  }

  /** Leaves the bound set at once, so nothing more is handled here. */
  private leave(): void {
    this.state = 'closed';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private drop(why: string): void {
    this.logger.warn(`断开连接 closing link: ${why}`);
    this.leave();
    this.socket.destroy();
  }

  /** Encodes and writes; writes within one tick are corked together. */
  private send(pdu: SgipPdu): void {
    try {
      this.writeFrame(encodeSgip(pdu));
    } catch (err) {
      this.logger.error({ err, command: pdu.command }, '无法编码 cannot encode PDU');
    }
  }
}
