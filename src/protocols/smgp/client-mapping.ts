/**
 * What the SMGP client puts on the wire for a part, and what it makes of the answers: pure
 * functions between the Gateway contract (gateway.ts) and SMGP PDUs, kept apart from the session.
 */
import { reportDoneTime } from '../../domain/beijing-time.js';
import type { DecodeResult } from '../codec/result.js';
import type { DeliveryReport, GatewayConfig, SubmitOutcome, SubmitPart, UplinkMessage } from '../gateway.js';
import { mobileOf, uplinkText } from '../session/carrier-messages.js';
import { localCodes, submitOutcome } from '../session/outcomes.js';
import type { RequestResult } from '../session/request-tracker.js';
import type { SmgpPduOf } from './codec.js';
import { codingOfMsgFormat, msgFormatOf, smgpStatusReason, TEMPORARY_STATUSES } from './codes.js';
import { smgpMsgIdText } from './msg-id.js';
import { parseSmgpReport } from './report.js';
import { validityField } from '../codec/time.js';

export type SubmitBody = Omit<SmgpPduOf<'SMGP_SUBMIT'>, 'sequenceId'>;
export type SubmitResp = SmgpPduOf<'SMGP_SUBMIT_RESP'>;
export type Deliver = SmgpPduOf<'SMGP_DELIVER'>;

/** MsgType 6: an MT message from the SP (§6.2.9; docs/protocols.md §3.4). */
const MSG_TYPE_MT = 6;

/** Priority 1 of 0–3: "normal" (docs/protocols.md §3.4); 12333 traffic asks for no precedence over others. */
const PRIORITY_NORMAL = 1;

/**
 * Fee fields for 12333 notices: free to the citizen (FeeType "00", docs/protocols.md §3.4 — not CMPP's "01"),
 * FeeCode and FixedFee 0, nobody charged (ChargeTermID empty). The carrier bills the SP's contract.
 */
const FEE = { feeType: '00', feeCode: '000000', fixedFee: '000000', chargeTermId: '' } as const;

/**
 * One Submit for one segment (§5.2.2.2; docs/protocols.md §3.4, §6.3): UDH + payload in MsgContent, and for a
 * concatenated segment the TP_udhi, PkTotal and PkNumber TLVs.
 */
export function submitBodyOf(part: SubmitPart, config: Pick<GatewayConfig, 'serviceId'>): SubmitBody {
  const { segment } = part;
  const content = segment.udh ? Buffer.concat([segment.udh, segment.payload]) : Buffer.from(segment.payload);
  return {
    command: 'SMGP_SUBMIT',
    msgType: MSG_TYPE_MT,
    needReport: part.wantReport ? 1 : 0,
    priority: PRIORITY_NORMAL,
    serviceId: config.serviceId,
    ...FEE,
    msgFormat: msgFormatOf(segment.coding),
    validTime: validityField(part.validUntil),
    atTime: '',
    srcTermId: part.srcId,
    destTermId: [part.mobile],
    msgContent: content,
    options: segment.udh ? { tpUdhi: 1, pkTotal: segment.total, pkNumber: segment.partNo } : {},
  };
}

/** Outcome codes that are ours, not the carrier's (theirs are `SMGP:<Status>`). */
export const LOCAL_CODES = localCodes('SMGP');

/** Submit_Resp Status 0 → accepted; a temporary Status → retry; others → rejected (§6.2.6). */
export function outcomeOfAnswer(answer: RequestResult<SubmitResp>): SubmitOutcome {
  return submitOutcome(
    answer,
    LOCAL_CODES,
    '网关未在时限内应答 no Submit_Resp in time',
    ({ status, msgId }) => {
      if (status === 0) return { kind: 'accepted', carrierMsgId: smgpMsgIdText(msgId) };
      return {
        kind: TEMPORARY_STATUSES.has(status) ? 'retry' : 'rejected',
        code: `SMGP:${status}`,
        reason: smgpStatusReason(status),
      };
    },
  );
}

/**
 * A Deliver with IsReport = 1 as a report (§6.2.63): the report's id names the Submit_Resp's MsgID,
 * SrcTermID is the handset the message went to, done_date is Beijing time.
 */
export function reportOf(pdu: Deliver, gatewayId: string, now: number): DecodeResult<DeliveryReport> {
  const report = parseSmgpReport(pdu.msgContent);
  if (!report.ok) return report;
  const r = report.value;
  return {
    ok: true,
    value: {
      gatewayId,
      carrierMsgId: smgpMsgIdText(r.id),
      stat: r.stat,
      mobile: mobileOf(pdu.srcTermId),
      // A missing or malformed done_date falls back to receipt time.
      doneAt: reportDoneTime(r.doneDate, now),
      receivedAt: now,
    },
  };
}

/** A Deliver with IsReport = 0 as an uplink: UDH split off (TP_udhi TLV), text decoded by MsgFormat. */
export function uplinkOf(pdu: Deliver, gatewayId: string, now: number): UplinkMessage {
  const { text, concat } = uplinkText(
    pdu.msgContent,
    pdu.options?.tpUdhi === 1,
    codingOfMsgFormat(pdu.msgFormat),
  );
  return {
    gatewayId,
    carrierMsgId: smgpMsgIdText(pdu.msgId),
    mobile: mobileOf(pdu.srcTermId),
    destId: pdu.destTermId,
    text,
    receivedAt: now,
    concat,
  };
}
