/**
 * The simulated SMSC's decisions about single PDUs, free of sockets: whom a bind lets in, what a
 * submit_sm (or data_sm) carries for the handsets, the status a configured refusal becomes, and
 * the deliver_sm PDUs for receipts and uplinks.
 */
import { timingSafeEqual } from 'node:crypto';
import { formatBeijing } from '../../domain/beijing-time.js';
import { normalizeMobile } from '../../domain/phone.js';
import { decodeText, splitUserData, type ConcatInfo } from '../../domain/text/index.js';
import type { MoPayload, ReportPayload } from '../simulator/core.js';
import type { SmppPdu, SmppPduOf, SmppTlvs } from './codec.js';
import { codingOfDataCoding, dataCodingOf, ESM_CLASS, STAT_MESSAGE_STATE, STATUS } from './codes.js';
import { formatReceiptText } from './receipt.js';

/** The SMSC's system_id in bind responses. */
export const SMSC_SYSTEM_ID = 'SMS12333SIM';

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** bind_* (§4.1): system_id must be the account (ESME_RINVSYSID), password the secret (ESME_RINVPASWD). */
export function bindStatus(
  pdu: Pick<SmppPduOf<'bind_transceiver'>, 'systemId' | 'password'>,
  account: string,
  secret: string,
): number {
  if (pdu.systemId !== account) return STATUS.invalidSystemId;
  if (!sameText(pdu.password, secret)) return STATUS.invalidPassword;
  return STATUS.ok;
}

/**
 * The SMPP status a configured `submitResult` (CMPP-style, simulator/types.ts) is answered with:
 * CMPP's Results 1–13 by meaning (8 flow control → ESME_RTHROTTLED, 13 bad destination →
 * ESME_RINVDSTADR, …); values past CMPP's table are taken as SMPP command_status values themselves,
 * so 0x14 (20) gives ESME_RMSGQFUL.
 */
export function statusOfSubmitResult(result: number): number {
  const byCmppResult: Readonly<Record<number, number>> = {
    4: STATUS.invalidMessageLength,
    6: STATUS.invalidMessageLength,
    7: STATUS.invalidServiceType,
    8: STATUS.throttled,
    10: STATUS.invalidSourceAddress,
    13: STATUS.invalidDestAddress,
  };
  if (result > 13) return result;
  return byCmppResult[result] ?? STATUS.submitFailed;
}

/** What a submit_sm or data_sm brings; data_sm has no short_message. */
export type SubmitFields = Pick<
  SmppPduOf<'submit_sm'>,
  'sourceAddr' | 'destinationAddr' | 'esmClass' | 'dataCoding' | 'registeredDelivery' | 'tlvs'
> & { shortMessage: Buffer };

export type SubmitContent =
  | { ok: false; status: number; reason: string }
  | {
      ok: true;
      /** As submitted; receipts name the number this way. */
      terminal: string;
      /** The handset: 11 digits when the number is a mainland mobile, else as submitted. */
      mobile: string;
      srcId: string;
      wantReport: boolean;
      /** What duplicate detection compares: concatenation header (UDH, or one made of the SAR TLVs) + text. */
      content: Buffer;
      concat: ConcatInfo | null;
      text: string;
    };

/** `06 08 04 RH RL TT SS`: the SAR TLVs as a 16-bit-reference concatenation header (TS 23.040 §9.2.3.24.8). */
function sarHeader(c: ConcatInfo): Buffer {
  return Buffer.from([6, 8, 4, c.reference >> 8, c.reference & 0xff, c.total, c.partNo]);
}

function sarOf(tlvs: SmppTlvs): ConcatInfo | null | 'bad' {
  const { sarMsgRefNum: reference, sarTotalSegments: total, sarSegmentSeqnum: partNo } = tlvs;
  if (reference === undefined && total === undefined && partNo === undefined) return null;
  if (reference === undefined || total === undefined || partNo === undefined) return 'bad';
  if (total < 1 || partNo < 1 || partNo > total) return 'bad';
  return { reference, total, partNo };
}

/**
 * What a submit reaches the handset with (docs/protocols.md §4.4, §6.3): the text from short_message or
 * message_payload (never both, §5.3.2.32), a UDH split off when esm_class has 0x40, or the SAR
 * TLVs, decoded by data_coding. registered_delivery 1 or 2 asks for a receipt (the simulator sends
 * one either way).
 */
export function readSubmit(pdu: SubmitFields): SubmitContent {
  if (pdu.destinationAddr === '')
    return { ok: false, status: STATUS.invalidDestAddress, reason: 'destination_addr missing' };
  const tlvs = pdu.tlvs ?? {};
  const payload = tlvs.messagePayload;
  if (payload && pdu.shortMessage.length > 0)
    return {
      ok: false,
      status: STATUS.invalidMessageLength,
      reason: 'both short_message and message_payload',
    };
  const userData = payload ?? pdu.shortMessage;
  const split = splitUserData(userData, (pdu.esmClass & ESM_CLASS.udhi) !== 0);
  if (!split.ok) return { ok: false, status: STATUS.invalidEsmClass, reason: split.reason };
  const sar = sarOf(tlvs);
  if (sar === 'bad') return { ok: false, status: STATUS.invalidParamValue, reason: 'inconsistent SAR TLVs' };
  const concat = split.concat ?? sar;
  return {
    ok: true,
    terminal: pdu.destinationAddr,
    mobile: normalizeMobile(pdu.destinationAddr) ?? pdu.destinationAddr,
    srcId: pdu.sourceAddr,
    wantReport: (pdu.registeredDelivery & 0x03) !== 0,
    content: sar && !split.concat ? Buffer.concat([sarHeader(sar), userData]) : Buffer.from(userData),
    concat,
    text: decodeText(split.payload, codingOfDataCoding(pdu.dataCoding)),
  };
}

/** Dates of the receipt text: YYMMDDhhmm (Appendix B), Beijing wall clock like the other carriers. */
const receiptTime = (epochMs: number): string => formatBeijing(epochMs, 'yyMMddHHmm');

/** `text:` holds the message's first 20 characters (Appendix B), as printable ASCII. */
export function receiptPreview(text: string): string {
  return Array.from(text)
    .slice(0, 20)
    .map((c) => (/^[\x20-\x7e]$/.test(c) ? c : '?'))
    .join('');
}

/**
 * The receipt's `id:` in the appendix's decimal form, while submit_sm_resp and receipted_message_id
 * carry the hex id — as real SMSCs do (docs/protocols.md §4.7), so that gateways are tested against it.
 */
export const receiptTextId = (hexId: string): string => BigInt(`0x${hexId}`).toString(10).padStart(10, '0');

/**
 * A delivery receipt (Appendix B, §4.6.1; docs/protocols.md §4.7): esm_class 0x04, source_addr the handset the
 * submit went to, destination_addr the sender number it came from, the standard text, and the
 * receipted_message_id and message_state TLVs.
 */
export function receiptDeliver(
  sequenceNumber: number,
  report: ReportPayload<string>,
  preview: string,
): SmppPdu {
  const delivered = report.stat === 'DELIVRD';
  const text = formatReceiptText({
    id: receiptTextId(report.msgId),
    sub: '001',
    dlvrd: delivered ? '001' : '000',
    submitDate: receiptTime(report.submittedAt),
    doneDate: receiptTime(report.doneAt),
    stat: report.stat,
    err: delivered ? '000' : '001',
    text: preview,
  });
  return {
    ...deliverHead(sequenceNumber, report.terminal, report.srcId),
    esmClass: ESM_CLASS.receipt,
    dataCoding: 0,
    shortMessage: Buffer.from(text, 'latin1'),
    tlvs: { receiptedMessageId: report.msgId, messageState: STAT_MESSAGE_STATE[report.stat] },
  };
}

/** An uplink deliver_sm: GSM 7-bit (data_coding 0) or UCS-2 (8), a UDH ahead of the text when segmented. */
export function moDeliver(sequenceNumber: number, mo: MoPayload<string>): SmppPdu {
  const { segment } = mo;
  return {
    ...deliverHead(sequenceNumber, mo.from, mo.to),
    esmClass: segment.udh ? ESM_CLASS.udhi : 0,
    dataCoding: dataCodingOf(segment.coding),
    shortMessage: segment.udh ? Buffer.concat([segment.udh, segment.payload]) : Buffer.from(segment.payload),
  };
}

function deliverHead(sequenceNumber: number, source: string, destination: string) {
  return {
    command: 'deliver_sm',
    commandStatus: 0,
    sequenceNumber,
    serviceType: '',
    sourceAddrTon: 0,
    sourceAddrNpi: 0,
    sourceAddr: source,
    destAddrTon: 0,
    destAddrNpi: 0,
    destinationAddr: destination,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    smDefaultMsgId: 0,
  } as const;
}
