/**
 * What the SGIP gateway puts on the wire for a part and what it makes of the answers, reports and
 * uplinks: pure functions between the Gateway contract (gateway.ts) and SGIP PDUs.
 */
import type {
  DeliveryReport,
  GatewayConfig,
  SgipOptions,
  SubmitOutcome,
  SubmitPart,
  UplinkMessage,
} from '../gateway.js';
import { mobileOf, uplinkText } from '../session/carrier-messages.js';
import { localCodes, submitOutcome } from '../session/outcomes.js';
import type { RequestResult } from '../session/request-tracker.js';
import type { SgipPduOf } from './codec.js';
import {
  codingOfMessageCoding,
  FEE_TYPE,
  isTemporaryResult,
  messageCodingOf,
  MORELATETO_MT,
  REPORT_FLAG,
  REPORT_STATE,
  sgipCodeReason,
  SP_PAYS,
} from './codes.js';
import { sequenceOf, sgipSequenceText, submitSequenceOf, type SgipSequence } from './sequence.js';
import { validityField } from '../codec/time.js';

type Header = 'sequenceNode' | 'sequenceTime' | 'sequenceCounter';
export type SubmitBody = Omit<SgipPduOf<'SGIP_SUBMIT'>, Header>;
export type SubmitResp = SgipPduOf<'SGIP_SUBMIT_RESP'>;
export type Deliver = SgipPduOf<'SGIP_DELIVER'>;
export type Report = SgipPduOf<'SGIP_REPORT'>;

/** Numbers carry the country code 86 in every SGIP number field (§4.2.3.3.1, §5.2 code 6). */
export function withCountryCode(mobile: string): string {
  return /^1\d{10}$/.test(mobile) ? `86${mobile}` : mobile;
}

/**
 * One SGIP_SUBMIT for one segment (docs/protocols.md §2.3): the SP pays (ChargeNumber of 21 zeros) and the
 * message is free (FeeType 1) — a public service; MorelatetoMTFlag 0 for a reply to the citizen's
 * uplink (the first MT after an MO), else 2, not caused by an MO; UDH ahead of the payload with TP_udhi = 1 when concatenated. A part that wants no report gets
 * ReportFlag 2.
 */
export function submitBodyOf(
  part: SubmitPart,
  config: Pick<GatewayConfig, 'serviceId'> & { sgip: Pick<SgipOptions, 'corpId' | 'reportFlag'> },
): SubmitBody {
  const { segment } = part;
  const content = segment.udh ? Buffer.concat([segment.udh, segment.payload]) : Buffer.from(segment.payload);
  return {
    command: 'SGIP_SUBMIT',
    spNumber: part.srcId,
    chargeNumber: SP_PAYS,
    userNumber: [withCountryCode(part.mobile)],
    corpId: config.sgip.corpId,
    serviceType: config.serviceId,
    feeType: FEE_TYPE.free,
    feeValue: '0',
    givenValue: '0',
    agentFlag: 0,
    morelatetoMtFlag: part.answersUplink === true ? MORELATETO_MT.firstAfterMo : MORELATETO_MT.notFromMo,
    priority: 0,
    expireTime: validityField(part.validUntil),
    scheduleTime: '',
    reportFlag: part.wantReport ? config.sgip.reportFlag : REPORT_FLAG.none,
    tpPid: 0,
    tpUdhi: segment.udh ? 1 : 0,
    messageCoding: messageCodingOf(segment.coding),
    messageType: 0,
    messageContent: content,
  };
}

/** Outcome codes that are ours, not the SMG's (theirs are `SGIP:<Result>`). */
export const LOCAL_CODES = localCodes('SGIP');

/**
 * SUBMIT_RESP Result 0 → accepted, named by the SUBMIT's own triple (the REPORT repeats it,
 * docs/protocols.md §2.1); a temporary Result (flow control, busy) → retry; any other → rejected (§5.2).
 */
export function outcomeOfAnswer(answer: RequestResult<SubmitResp>, sequence: SgipSequence): SubmitOutcome {
  return submitOutcome(answer, LOCAL_CODES, '网关未在时限内应答 no SUBMIT_RESP in time', ({ result }) => {
    if (result === 0) return { kind: 'accepted', carrierMsgId: sgipSequenceText(sequence) };
    const reason = sgipCodeReason(result);
    return { kind: isTemporaryResult(result) ? 'retry' : 'rejected', code: `SGIP:${result}`, reason };
  });
}

/**
 * The report `stat` of a State (§4.2.3.5.1, §5.4): 0 → DELIVRD, 1 → ENROUTE (intermediate),
 * 2 → `SGIP:<ErrorCode>`, which outcomeOfStat counts as failed while keeping the code.
 */
export function statOf(state: number, errorCode: number): string {
  switch (state) {
    case REPORT_STATE.delivered:
      return 'DELIVRD';
    case REPORT_STATE.waiting:
      return 'ENROUTE';
    case REPORT_STATE.failed:
      return `SGIP:${errorCode}`;
    default:
      // A State the spec does not define says nothing about the fate of the message.
      return 'UNKNOWN';
  }
}

/** A REPORT on a SUBMIT as the platform's report; SGIP reports carry no done time (§4.2.3.5.1). */
export function reportOf(pdu: Report, gatewayId: string, now: number): DeliveryReport {
  return {
    gatewayId,
    carrierMsgId: sgipSequenceText(submitSequenceOf(pdu)),
    stat: statOf(pdu.state, pdu.errorCode),
    mobile: mobileOf(pdu.userNumber),
    doneAt: now,
    receivedAt: now,
  };
}

/** A DELIVER as an uplink: UDH split off, text decoded by MessageCoding, named by its own triple. */
export function uplinkOf(pdu: Deliver, gatewayId: string, now: number): UplinkMessage {
  const coding = codingOfMessageCoding(pdu.messageCoding);
  const { text, concat } = uplinkText(pdu.messageContent, pdu.tpUdhi === 1, coding);
  return {
    gatewayId,
    carrierMsgId: sgipSequenceText(sequenceOf(pdu)),
    mobile: mobileOf(pdu.userNumber),
    destId: pdu.spNumber,
    text,
    receivedAt: now,
    concat,
  };
}
