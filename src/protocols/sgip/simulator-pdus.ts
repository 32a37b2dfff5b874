/**
 * The simulated SMG's decisions about single PDUs, free of sockets: whom a BIND lets in, what an
 * SGIP_SUBMIT carries for the handsets, and the REPORT and DELIVER PDUs it owes the SP.
 */
import { timingSafeEqual } from 'node:crypto';
import { normalizeMobile } from '../../domain/phone.js';
import { decodeText, splitUserData, type ConcatInfo } from '../../domain/text/index.js';
import type { IdStamp, MoPayload, ReportPayload } from '../simulator/core.js';
import { withCountryCode } from './client-mapping.js';
import type { SgipPdu, SgipPduOf } from './codec.js';
import {
  codingOfMessageCoding,
  MESSAGE_CODING,
  messageCodingOf,
  REPORT_FLAG,
  REPORT_STATE,
  REPORT_TYPE,
  RESULT,
} from './codes.js';
import { sequenceFields, sgipTime, submitSequenceFields, type SgipSequence } from './sequence.js';

/**
 * The SMG's node id `1AAAAX` (§3.3): four digits of area code and one of index, taken here from the
 * simulator's gateway code, so two simulators with different codes name their commands apart.
 */
export function smgNodeId(gatewayCode: number): number {
  const area = String(Math.floor(gatewayCode / 10) % 10000).padStart(4, '0');
  return Number(`1${area}${gatewayCode % 10}`);
}

/** The SMG's own command triples (REPORT, DELIVER, its BIND): node, time of the stamp, its sequence. */
export function smgSequenceOf(node: number): (stamp: IdStamp) => SgipSequence {
  return (stamp) => ({ node, time: sgipTime(stamp.epochMs), counter: stamp.sequence });
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * BIND_RESP Result for a login (§4.2.3.1; §5.2): 4 when the Login Type is not `expectedType`, 1
 * when the name or password is not exactly the configured one, else 0.
 */
export function bindResult(
  pdu: SgipPduOf<'SGIP_BIND'>,
  expectedType: number,
  account: string,
  secret: string,
): number {
  if (pdu.loginType !== expectedType) return RESULT.badLoginType;
  if (!sameText(pdu.loginName, account) || !sameText(pdu.loginPassword, secret)) return RESULT.illegalLogin;
  return RESULT.ok;
}

export interface SubmitDestination {
  /** As submitted ("86…"); the REPORT names the number this way. */
  raw: string;
  /** The handset: 11 digits. */
  mobile: string;
}

export type SubmitContent =
  | { ok: false; result: number; reason: string }
  | {
      ok: true;
      destinations: SubmitDestination[];
      spNumber: string;
      reportFlag: number;
      /** UDH + text, as sent. */
      content: Buffer;
      concat: ConcatInfo | null;
      text: string;
    };

/** Octets a single SMS carries: 160 for ASCII (repacked to 7-bit for the air), 140 otherwise (docs/protocols.md §6.2). */
const maxContent = (messageCoding: number): number => (messageCoding === MESSAGE_CODING.ascii ? 160 : 140);

/**
 * What a SUBMIT carries, or the Result refusing it (§4.2.3.3.1, §5.2): every UserNumber a mainland
 * mobile with its "86" (6), content within one SMS (8), a UDH that parses when TP_udhi = 1 (5).
 * The text is decoded by this segment's own MessageCoding.
 */
export function readSubmit(pdu: SgipPduOf<'SGIP_SUBMIT'>): SubmitContent {
  if (pdu.userNumber.length === 0) return { ok: false, result: RESULT.badParameter, reason: 'UserCount 0' };
  const destinations: SubmitDestination[] = [];
  for (const raw of pdu.userNumber) {
    const mobile = normalizeMobile(raw);
    if (!raw.startsWith('86') || mobile === null)
      return { ok: false, result: RESULT.illegalNumber, reason: `UserNumber ${raw}` };
    destinations.push({ raw, mobile });
  }
  const max = maxContent(pdu.messageCoding);
  if (pdu.messageContent.length > max)
    return {
      ok: false,
      result: RESULT.badLength,
      reason: `MessageLength ${pdu.messageContent.length} > ${max}`,
    };
  const split = splitUserData(pdu.messageContent, pdu.tpUdhi === 1);
  if (!split.ok) return { ok: false, result: RESULT.badParameter, reason: split.reason };
  return {
    ok: true,
    destinations,
    spNumber: pdu.spNumber,
    reportFlag: pdu.reportFlag,
    content: pdu.messageContent,
    concat: split.concat,
    text: decodeText(split.payload, codingOfMessageCoding(pdu.messageCoding)),
  };
}

/** Whether a SUBMIT's ReportFlag asks for any report (§4.2.3.3.1: 2 = none). */
export const wantsReport = (reportFlag: number): boolean => reportFlag !== REPORT_FLAG.none;

/** ErrorCodes a failed message is reported with, in turn (§5.2: codes 21–32 are report codes). */
const FAILURE_CODES = [25, 29, 26, 27] as const;

/**
 * A REPORT on a SUBMIT (§4.2.3.5.1): the SUBMIT's own triple, the number as submitted, State 0
 * (delivered) or 2 (failed) with an ErrorCode. The header carries the SMG's triple for this report,
 * the same on every resend.
 */
export function reportPdu(report: ReportPayload<SgipSequence>): SgipPdu {
  const failed = report.stat !== 'DELIVRD';
  return {
    command: 'SGIP_REPORT',
    ...sequenceFields(report.deliverId),
    ...submitSequenceFields(report.msgId),
    reportType: REPORT_TYPE.submit,
    userNumber: report.terminal,
    state: failed ? REPORT_STATE.failed : REPORT_STATE.delivered,
    errorCode: failed ? (FAILURE_CODES[report.smscSequence % FAILURE_CODES.length] ?? 25) : 0,
  };
}

/** An uplink DELIVER (§4.2.3.4.1): the citizen's number with "86", UDH ahead of the text when segmented. */
export function moDeliver(mo: MoPayload<SgipSequence>): SgipPdu {
  const { segment } = mo;
  return {
    command: 'SGIP_DELIVER',
    ...sequenceFields(mo.msgId),
    userNumber: withCountryCode(mo.from),
    spNumber: mo.to,
    tpPid: 0,
    tpUdhi: segment.udh ? 1 : 0,
    messageCoding: messageCodingOf(segment.coding),
    messageContent: segment.udh
      ? Buffer.concat([segment.udh, segment.payload])
      : Buffer.from(segment.payload),
  };
}

/** Widths of the number fields an uplink fills (§4.2.3.4.1): UserNumber 21, SPNumber 21. */
export const MO_FIELD_WIDTH = { userNumber: 21, spNumber: 21 } as const;
