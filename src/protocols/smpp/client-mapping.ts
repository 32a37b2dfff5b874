/**
 * What the SMPP gateway puts on the wire for parts, and what it makes of the answers, receipts and
 * uplinks: pure functions between the Gateway contract (gateway.ts) and SMPP PDUs, apart from the
 * session.
 *
 * Long messages (`SmppOptions.longMessage`, docs/protocols.md §6.3):
 * - `udh`: one submit_sm per part, esm_class 0x40, short_message = the part's UDH + payload;
 * - `sar`: one submit_sm per part, no UDH, sar_msg_ref_num / sar_total_segments /
 *   sar_segment_seqnum TLVs (the reference is the one the platform put in the part's UDH);
 * - `payload`: the parts of one message (same messageId, mobile and sender) in one submit_sm with
 *   sm_length 0 and the joined payloads in message_payload — the SMSC splits it. Every part of that
 *   job gets the PDU's one outcome, so an accepted long message has one carrierMsgId on all its
 *   parts and one receipt completes them all. A single-segment message goes as a plain short_message.
 */
import { reportDoneTime } from '../../domain/beijing-time.js';
import { decodeText, parseUdh, type ConcatInfo } from '../../domain/text/index.js';
import type { DeliveryReport, SmppOptions, SubmitOutcome, SubmitPart, UplinkMessage } from '../gateway.js';
import { mobileOf, uplinkText } from '../session/carrier-messages.js';
import { localCodes, submitOutcome } from '../session/outcomes.js';
import type { RequestResult } from '../session/request-tracker.js';
import type { SmppPduOf, SmppTlvs } from './codec.js';
import {
  codingOfDataCoding,
  commandStatusOf,
  commandStatusReason,
  DATA_CODING,
  dataCodingOf,
  ESM_CLASS,
  MESSAGE_STATE_STAT,
  REGISTERED_DELIVERY_RECEIPT,
  statusCode,
} from './codes.js';
import { normalizeMessageId, parseReceiptText, receiptCarrierId, type RecentIds } from './receipt.js';
import { validityField } from '../codec/time.js';

export type SubmitBody = Omit<SmppPduOf<'submit_sm'>, 'sequenceNumber'>;
/** What answers a submit_sm: its response, or a generic_nack with the same sequence_number. */
export type SubmitAnswer = SmppPduOf<'submit_sm_resp'> | SmppPduOf<'generic_nack'>;
/** The fields of deliver_sm (and data_sm, which lacks short_message) the gateway reads. */
export type Delivered = Pick<
  SmppPduOf<'deliver_sm'>,
  'sourceAddr' | 'destinationAddr' | 'esmClass' | 'dataCoding' | 'tlvs'
> & { shortMessage: Buffer };

/** The defaults when a gateway has no `smpp` section (gateway.ts `SmppOptions`). */
export const DEFAULT_SMPP_OPTIONS: SmppOptions = {
  systemType: '',
  bindMode: 'transceiver',
  sourceTon: 0,
  sourceNpi: 0,
  destTon: 1,
  destNpi: 1,
  longMessage: 'udh',
};

/** TON 1 = international (§5.2.5): the number carries its country code, mainland China's 86. */
const TON_INTERNATIONAL = 1;

/** destination_addr in the form its TON names: an international number gets the 86 country code. */
export function destinationOf(mobile: string, ton: number): string {
  const digits = mobile.replace(/^\+/, '');
  if (ton !== TON_INTERNATIONAL) return digits;
  return /^1\d{10}$/.test(digits) ? `86${digits}` : digits;
}

/** One submit_sm and the parts its answer settles, in the order they were given. */
export interface SubmitJob {
  body: SubmitBody;
  parts: number[];
}

function baseBody(part: SubmitPart, options: SmppOptions): Omit<SubmitBody, 'esmClass' | 'shortMessage'> {
  return {
    command: 'submit_sm',
    commandStatus: 0,
    serviceType: '',
    sourceAddrTon: options.sourceTon,
    sourceAddrNpi: options.sourceNpi,
    sourceAddr: part.srcId,
    destAddrTon: options.destTon,
    destAddrNpi: options.destNpi,
    destinationAddr: destinationOf(part.mobile, options.destTon),
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: validityField(part.validUntil),
    registeredDelivery: part.wantReport ? REGISTERED_DELIVERY_RECEIPT : 0,
    replaceIfPresentFlag: 0,
    dataCoding: dataCodingOf(part.segment.coding),
    smDefaultMsgId: 0,
  };
}

/** A part as its own submit_sm, its concatenation by UDH or SAR TLVs. */
function singleJob(part: SubmitPart, index: number, options: SmppOptions): SubmitJob {
  const { segment } = part;
  const payload = Buffer.from(segment.payload);
  const udh = segment.udh;
  if (udh === null)
    return { body: { ...baseBody(part, options), esmClass: 0, shortMessage: payload }, parts: [index] };
  if (options.longMessage === 'sar') {
    const parsed = parseUdh(udh);
    const reference = parsed.ok && parsed.concat ? parsed.concat.reference : 0;
    const tlvs: SmppTlvs = {
      sarMsgRefNum: reference,
      sarTotalSegments: segment.total,
      sarSegmentSeqnum: segment.partNo,
    };
    return { body: { ...baseBody(part, options), esmClass: 0, shortMessage: payload, tlvs }, parts: [index] };
  }
  return {
    body: {
      ...baseBody(part, options),
      esmClass: ESM_CLASS.udhi,
      shortMessage: Buffer.concat([udh, payload]),
    },
    parts: [index],
  };
}

/**
 * The submit_sm PDUs for `parts` (see the module comment). In `payload` mode the parts of one
 * message are joined in part order; a subset (parts already taken are not sent again) is joined as
 * given.
 */
export function submitJobsOf(parts: readonly SubmitPart[], options: SmppOptions): SubmitJob[] {
  if (options.longMessage !== 'payload') return parts.map((part, index) => singleJob(part, index, options));
  const groups = new Map<string, { index: number; part: SubmitPart }[]>();
  parts.forEach((part, index) => {
    const key = `${part.messageId}\u0000${part.mobile}\u0000${part.srcId}`;
    const group = groups.get(key) ?? [];
    group.push({ index, part });
    groups.set(key, group);
  });
  const jobs: SubmitJob[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.part.segment.partNo - b.part.segment.partNo);
    const first = group[0];
    if (!first) continue;
    if (group.length === 1 && first.part.segment.udh === null) {
      jobs.push(singleJob(first.part, first.index, options));
      continue;
    }
    jobs.push({
      body: {
        ...baseBody(first.part, options),
        esmClass: 0,
        shortMessage: Buffer.alloc(0),
        tlvs: { messagePayload: Buffer.concat(group.map((x) => x.part.segment.payload)) },
      },
      parts: group.map((x) => x.index),
    });
  }
  return jobs;
}

/** Outcome codes that are ours, not the SMSC's (theirs are `SMPP:0x..`). */
export const LOCAL_CODES = localCodes('SMPP');

/**
 * ESME_ROK → accepted, the message_id normalised (receipt.ts); a temporary status (RTHROTTLED,
 * RMSGQFUL, RSYSERR, docs/protocols.md §4.5) → retry; any other status, or a generic_nack, → rejected. An
 * accepted answer without message_id (docs/protocols.md §4.4) is still accepted, with an empty id: no receipt
 * can name it.
 */
export function outcomeOfAnswer(answer: RequestResult<SubmitAnswer>): SubmitOutcome {
  return submitOutcome(answer, LOCAL_CODES, 'SMSC 未在时限内应答 no submit_sm_resp in time', (resp) => {
    const status = resp.commandStatus;
    if (status === 0 && resp.command === 'submit_sm_resp')
      return { kind: 'accepted', carrierMsgId: normalizeMessageId(resp.messageId ?? '') };
    const reason =
      resp.command === 'generic_nack'
        ? `generic_nack: ${commandStatusReason(status)}`
        : commandStatusReason(status);
    return {
      kind: commandStatusOf(status).temporary ? 'retry' : 'rejected',
      code: statusCode(status),
      reason,
    };
  });
}

/** The message's octets: short_message, or message_payload when short_message is empty (§5.3.2.32). */
function contentOf(pdu: Delivered): Buffer {
  const payload = pdu.tlvs?.messagePayload;
  return pdu.shortMessage.length === 0 && payload ? payload : pdu.shortMessage;
}

/** A receipt's text: SMSC-made ASCII whatever data_coding says, UCS-2 when data_coding is 8. */
export function receiptTextOf(pdu: Delivered): string {
  const content = contentOf(pdu);
  return decodeText(content, pdu.dataCoding === DATA_CODING.ucs2 ? 'ucs2' : 'ascii');
}

export type ReportResult = { ok: true; report: DeliveryReport } | { ok: false; reason: string };

/**
 * A receipt deliver_sm as a report (docs/protocols.md §4.7): the id by receipt.ts, stat from the text's
 * `stat:` (the carrier's own words, kept raw) or else from message_state, the handset from
 * source_addr (a receipt comes from the original destination, §4.6.1), doneAt from `done date:`
 * read as Beijing time (SMPP dates carry no zone) or else receipt time.
 */
export function reportOf(
  pdu: Delivered,
  gatewayId: string,
  now: number,
  recent: RecentIds | null,
): ReportResult {
  const text = parseReceiptText(receiptTextOf(pdu));
  const carrierMsgId = receiptCarrierId(pdu.tlvs?.receiptedMessageId, text?.id, recent);
  if (carrierMsgId === null) return { ok: false, reason: 'no receipted_message_id and no id: in the text' };
  const state = pdu.tlvs?.messageState;
  const stat = text?.stat ?? (state === undefined ? undefined : MESSAGE_STATE_STAT[state]);
  if (stat === undefined || stat === '') return { ok: false, reason: 'no stat: and no known message_state' };
  return {
    ok: true,
    report: {
      gatewayId,
      carrierMsgId,
      stat,
      mobile: mobileOf(pdu.sourceAddr),
      doneAt: reportDoneTime(text?.doneDate, now),
      receivedAt: now,
    },
  };
}

/** Concatenation from the SAR TLVs (docs/protocols.md §6.3), when all three are there and consistent. */
function sarConcat(tlvs: Delivered['tlvs']): ConcatInfo | null {
  const reference = tlvs?.sarMsgRefNum;
  const total = tlvs?.sarTotalSegments;
  const partNo = tlvs?.sarSegmentSeqnum;
  if (reference === undefined || total === undefined || partNo === undefined) return null;
  if (total < 1 || partNo < 1 || partNo > total) return null;
  return { reference, total, partNo };
}

/**
 * A non-receipt deliver_sm as an uplink: the text decoded by data_coding after the UDH when
 * esm_class has 0x40, concatenation from the UDH or the SAR TLVs. deliver_sm carries no message id
 * of its own (§4.6.1), so `carrierMsgId` is empty.
 */
export function uplinkOf(pdu: Delivered, gatewayId: string, now: number): UplinkMessage {
  const udhi = (pdu.esmClass & ESM_CLASS.udhi) !== 0;
  const { text, concat } = uplinkText(contentOf(pdu), udhi, codingOfDataCoding(pdu.dataCoding));
  const sar = concat === null ? sarConcat(pdu.tlvs) : null;
  return {
    gatewayId,
    carrierMsgId: '',
    mobile: mobileOf(pdu.sourceAddr),
    destId: pdu.destinationAddr,
    text,
    receivedAt: now,
    concat: concat ?? (sar && { ...sar }),
  };
}
