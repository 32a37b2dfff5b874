/**
 * What the CMPP client puts on the wire for a part, and what it makes of the answers: pure
 * functions between the Gateway contract (gateway.ts) and CMPP PDUs, kept apart from the session.
 */
import { reportDoneTime } from '../../domain/beijing-time.js';
import type { DecodeResult } from '../codec/result.js';
import type { DeliveryReport, GatewayConfig, SubmitOutcome, SubmitPart, UplinkMessage } from '../gateway.js';
import { mobileOf, uplinkText } from '../session/carrier-messages.js';
import { localCodes, submitOutcome } from '../session/outcomes.js';
import type { RequestResult } from '../session/request-tracker.js';
import type { CmppPduOf } from './codec.js';
import { codingOfMsgFmt, msgFmtOf, RESULT_FLOW_CONTROL, submitResultReason } from './codes.js';
import { cmppMsgIdText } from './msg-id.js';
import { decodeCmppReport } from './report.js';
import { validityField } from '../codec/time.js';

export type SubmitBody = Omit<CmppPduOf<'CMPP_SUBMIT'>, 'sequenceId'>;
export type SubmitResp = CmppPduOf<'CMPP_SUBMIT_RESP'>;
export type Deliver = CmppPduOf<'CMPP_DELIVER'>;

/**
 * Fee fields for 12333 notices: free to the citizen (FeeType "01", FeeCode 0, Fee_UserType 2 = the
 * SP's account; docs/protocols.md §1.4). Carriers configure the real billing on the SP's contract.
 */
const FEE = { feeUserType: 2, feeTerminalId: '', feeType: '01', feeCode: '000000' } as const;

/** One CMPP_SUBMIT for one segment (docs/protocols.md §1.4, §1.9): UDH + payload with TP_udhi=1 when concatenated. */
export function submitBodyOf(
  part: SubmitPart,
  config: Pick<GatewayConfig, 'account' | 'serviceId'>,
): SubmitBody {
  const { segment } = part;
  const content = segment.udh ? Buffer.concat([segment.udh, segment.payload]) : Buffer.from(segment.payload);
  return {
    command: 'CMPP_SUBMIT',
    msgId: 0n, // the ISMG assigns it (docs/protocols.md §1.4)
    pkTotal: segment.total,
    pkNumber: segment.partNo,
    registeredDelivery: part.wantReport ? 1 : 0,
    msgLevel: 0,
    serviceId: config.serviceId,
    ...FEE,
    tpPid: 0,
    tpUdhi: segment.udh ? 1 : 0,
    msgFmt: msgFmtOf(segment.coding),
    msgSrc: config.account,
    valIdTime: validityField(part.validUntil),
    atTime: '',
    srcId: part.srcId,
    destTerminalId: [part.mobile],
    msgContent: content,
  };
}

/** Outcome codes that are ours, not the carrier's (theirs are `CMPP:<Result>`). */
export const LOCAL_CODES = localCodes('CMPP');

/** SUBMIT_RESP Result 0 → accepted; 8 (flow control) → retry; others → rejected (docs/protocols.md §1.5). */
export function outcomeOfAnswer(answer: RequestResult<SubmitResp>): SubmitOutcome {
  return submitOutcome(
    answer,
    LOCAL_CODES,
    '网关未在时限内应答 no SUBMIT_RESP in time',
    ({ result, msgId }) => {
      if (result === 0) return { kind: 'accepted', carrierMsgId: cmppMsgIdText(msgId) };
      const reason = submitResultReason(result);
      return { kind: result === RESULT_FLOW_CONTROL ? 'retry' : 'rejected', code: `CMPP:${result}`, reason };
    },
  );
}

/** A DELIVER with Registered_Delivery = 1 as a report (docs/protocols.md §1.7); the report's Msg_Id names the SUBMIT. */
export function reportOf(pdu: Deliver, gatewayId: string, now: number): DecodeResult<DeliveryReport> {
  const report = decodeCmppReport(pdu.msgContent);
  if (!report.ok) return report;
  const r = report.value;
  return {
    ok: true,
    value: {
      gatewayId,
      carrierMsgId: cmppMsgIdText(r.msgId),
      stat: r.stat,
      mobile: mobileOf(r.destTerminalId),
      // Done_time is Beijing YYMMDDHHMM (docs/protocols.md §1.7); a malformed one falls back to receipt time.
      doneAt: reportDoneTime(r.doneTime, now),
      receivedAt: now,
    },
  };
}

/** A DELIVER with Registered_Delivery = 0 as an uplink: UDH split off, text decoded by Msg_Fmt. */
export function uplinkOf(pdu: Deliver, gatewayId: string, now: number): UplinkMessage {
  const { text, concat } = uplinkText(pdu.msgContent, pdu.tpUdhi === 1, codingOfMsgFmt(pdu.msgFmt));
  return {
    gatewayId,
    carrierMsgId: cmppMsgIdText(pdu.msgId),
    mobile: mobileOf(pdu.srcTerminalId),
    destId: pdu.destId,
    text,
    receivedAt: now,
    concat,
  };
}
