/**
 * One SP connection to the simulated SMG (SGIP 1.2 §3.7.2, SP → SMG direction); the link mechanics
 * are `simulator/sim-link.ts`.
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
import type { DecodeResult } from '../codec/result.js';
import type { SimulatorCore } from '../simulator/core.js';
import { SimLink } from '../simulator/sim-link.js';
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

export class SgipSimConnection extends SimLink<SgipPdu, SgipSequence> {
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastActivity = Date.now();

  constructor(
    id: number,
    socket: Socket,
    private readonly deps: SimConnectionDeps,
  ) {
    super(id, socket, deps.core, deps.logger, createSgipFramer());
    socket.on('data', () => {
      this.lastActivity = Date.now();
    });
    void this.closed.then(() => this.stopIdle());
    this.armIdle(deps.idleMs);
  }

  protected decode(frame: Buffer): DecodeResult<SgipPdu> {
    return decodeSgip(frame);
  }

  protected encode(pdu: SgipPdu): Buffer {
    return encodeSgip(pdu);
  }

  /** Never called: this link is not one the core's Outbound writes to (see above). */
  protected outgoing(): SgipPdu {
    throw new Error('SGIP reports and uplinks go on the SMG’s own link');
  }

  /** UNBIND to a bound SP (§4.2.3.2); SGIP numbers it with a sequence triple. */
  protected goodbye(): SgipPdu {
    return { command: 'SGIP_UNBIND', ...sequenceFields(this.core.newId()) };
  }

  protected handle(pdu: SgipPdu): void {
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
        this.end();
        return;
      case 'SGIP_UNBIND_RESP':
        this.end();
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
    const { core } = this;
    const result = bindResult(pdu, LOGIN_TYPE.spToSmg, core.account, core.secret);
    this.send({ command: 'SGIP_BIND_RESP', ...sequenceFields(sequenceOf(pdu)), result });
    if (result !== RESULT.ok) {
      core.count('authFailures');
      this.logger.info(
        { result, loginName: pdu.loginName, loginType: pdu.loginType },
        `登录被拒 login refused: ${sgipCodeReason(result)}`,
      );
      this.end();
      return;
    }
    this.state = 'bound';
    core.count('binds');
    this.logger.debug('已登录 bound');
  }

  private submit(pdu: SgipPduOf<'SGIP_SUBMIT'>): void {
    const { core } = this;
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
    core.acceptEach({ ...content, wantReport }, content.spNumber, {
      msgId: sequence,
      msgIdText,
      link: this.id,
    });
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

  private stopIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Leaves the bound set at once, so nothing more is handled here. */
  protected override leave(): void {
    super.leave();
    this.stopIdle();
  }
}
