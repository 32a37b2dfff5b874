/**
 * What the gateway does with the commands the SMG sends it (SGIP 1.2 §4.2.3.4, §4.2.3.5): a DELIVER
 * becomes an uplink, a REPORT on a SUBMIT a delivery report, each handed to the platform's handler;
 * the response carries Result 0 only once the handler has stored it (gateway.ts), and Result 11
 * ("node busy", §5.2) when it failed, so that the SMG sends it again. Used by the listener (the
 * SMG's own links) and by the SP → SMG links, should an SMG deliver there.
 */
import type { Logger } from '../../shared/log.js';
import type { GatewayHandlers, GatewayStatus } from '../gateway.js';
import type { Clock } from '../session/clock.js';
import { reportOf, uplinkOf, type Deliver, type Report } from './client-mapping.js';
import type { SgipPdu } from './codec.js';
import { REPORT_TYPE, RESULT } from './codes.js';
import { sequenceFields, sequenceOf } from './sequence.js';

export interface InboundContext {
  gatewayId: string;
  clock: Clock;
  logger: Logger;
  counters: GatewayStatus['counters'];
  /** Null until the gateway started. */
  handlers(): GatewayHandlers | null;
  /** The gateway waits for these when it closes. */
  track(p: Promise<unknown>): void;
}

/** Hands DELIVERs and REPORTs to the platform; each resolves with the Result to answer, never rejects. */
export class Inbound {
  constructor(private readonly ctx: InboundContext) {}

  deliver(pdu: Deliver): Promise<number> {
    const handlers = this.ctx.handlers();
    if (!handlers) return Promise.resolve(RESULT.nodeBusy);
    this.ctx.counters.uplinks++;
    return this.settle(() => handlers.uplink(uplinkOf(pdu, this.ctx.gatewayId, this.ctx.clock.now())));
  }

  /** A report on a forwarded DELIVER (ReportType 1) is not about our SUBMITs: acknowledged, not kept. */
  report(pdu: Report): Promise<number> {
    const handlers = this.ctx.handlers();
    if (!handlers) return Promise.resolve(RESULT.nodeBusy);
    if (pdu.reportType !== REPORT_TYPE.submit) {
      this.ctx.logger.warn({ reportType: pdu.reportType }, '非 SUBMIT 的状态报告 report not about a SUBMIT');
      return Promise.resolve(RESULT.ok);
    }
    this.ctx.counters.reports++;
    return this.settle(() => handlers.report(reportOf(pdu, this.ctx.gatewayId, this.ctx.clock.now())));
  }

  /** The response to a DELIVER or REPORT, with the Result the handler's fate decided. */
  async answer(pdu: Deliver | Report): Promise<SgipPdu> {
    const seq = sequenceFields(sequenceOf(pdu));
    if (pdu.command === 'SGIP_DELIVER')
      return { command: 'SGIP_DELIVER_RESP', ...seq, result: await this.deliver(pdu) };
    return { command: 'SGIP_REPORT_RESP', ...seq, result: await this.report(pdu) };
  }

  /** Runs a handler; a handler that throws counts as one that rejected. */
  private settle(fn: () => Promise<void>): Promise<number> {
    let handled: Promise<void>;
    try {
      handled = fn();
    } catch (err) {
      handled = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const result = handled.then(
      () => RESULT.ok,
      (err: unknown) => {
        this.ctx.counters.errors++;
        this.ctx.logger.error(
          { err },
          '报告或上行处理失败，回复 Result 11 handler failed, answering Result 11',
        );
        return RESULT.nodeBusy;
      },
    );
    this.ctx.track(result);
    return result;
  }
}
