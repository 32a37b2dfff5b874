/**
 * A captured PDU as JSON for an operator (`sms12333 pdu decode`): the specification's field names in
 * wire order, lengths included, bigint as decimal text, Buffers as hex, message content decoded by
 * its Msg_Fmt (after its UDH) and a status report's content decoded as the report. Back-to-back
 * PDUs in one capture come out as an array. CMPP 2.0 / 3.0 for now.
 */
import { decodeText, splitUserData } from '../domain/text/index.js';
import { fieldsToJson, pduToJson, type FieldRenderer, type JsonValue } from './codec/describe.js';
import type { PduOf, Protocol, ProtocolSpec } from './codec/protocol.js';
import type { DecodeErrorCode } from './codec/result.js';
import { createCmppFramer, decodeCmpp, type CmppVersion } from './cmpp/codec.js';
import { codingOfMsgFmt } from './cmpp/codes.js';
import { cmppReportTable, decodeCmppReport } from './cmpp/report.js';
import { CMPP_PROTOCOLS } from './cmpp/tables.js';

export interface PduDecodeError {
  code: DecodeErrorCode | 'BAD_HEX' | 'UNSUPPORTED_PROTOCOL';
  message: string;
}

export type PduDecodeResult = { ok: true; json: unknown } | { ok: false; error: PduDecodeError };

const isCmpp = (protocol: string): protocol is CmppVersion => protocol === 'cmpp2' || protocol === 'cmpp3';

/** Msg_Content of a CMPP SUBMIT / DELIVER: a report when Registered_Delivery = 1 on a DELIVER, else text. */
const cmppContent: FieldRenderer = (value, pdu) => {
  if (!Buffer.isBuffer(value)) return undefined;
  const hex = value.toString('hex');
  if (pdu.command === 'CMPP_DELIVER' && pdu.registeredDelivery === 1) {
    const report = decodeCmppReport(value);
    const table = cmppReportTable(value.length);
    if (!report.ok || !table) return { hex, error: report.ok ? null : { ...report.error } };
    return { hex, report: fieldsToJson(table, report.value) };
  }
  const msgFmt = typeof pdu.msgFmt === 'number' ? pdu.msgFmt : 0;
  const split = splitUserData(value, pdu.tpUdhi === 1);
  if (!split.ok) return { hex, udhError: split.reason, text: decodeText(value, codingOfMsgFmt(msgFmt)) };
  const out: Record<string, JsonValue> = {
    hex,
    coding: codingOfMsgFmt(msgFmt),
    text: decodeText(split.payload, codingOfMsgFmt(msgFmt)),
  };
  if (split.udh) out.udh = Buffer.from(split.udh).toString('hex');
  if (split.concat) out.concat = { ...split.concat };
  return out;
};

function decodeCmppHex(version: CmppVersion, bytes: Buffer): PduDecodeResult {
  const framer = createCmppFramer(version);
  const pushed = framer.push(bytes);
  if (!pushed.ok) return { ok: false, error: { ...pushed.error } };
  if (pushed.frames.length === 0 || framer.buffered > 0) {
    const got = pushed.frames.length === 0 ? bytes.length : framer.buffered;
    return { ok: false, error: { code: 'TRUNCATED', message: `${got} octets do not complete a PDU` } };
  }
  const protocol: Protocol<ProtocolSpec> = CMPP_PROTOCOLS[version];
  const out: JsonValue[] = [];
  for (const frame of pushed.frames) {
    const decoded = decodeCmpp(version, frame);
    if (!decoded.ok) return { ok: false, error: { ...decoded.error } };
    // The describer is generic over one table; the version's table is the one that decoded this PDU.
    const json = pduToJson(protocol, decoded.value as PduOf<ProtocolSpec>, frame.length, {
      msgContent: cmppContent,
    });
    out.push({ protocol: version, ...json });
  }
  return { ok: true, json: out.length === 1 ? out[0] : out };
}

export function decodePduHex(protocol: string, hex: string): PduDecodeResult {
  const clean = hex.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) {
    return { ok: false, error: { code: 'BAD_HEX', message: 'expected an even number of hex digits' } };
  }
  const bytes = Buffer.from(clean, 'hex');
  if (isCmpp(protocol)) return decodeCmppHex(protocol, bytes);
  return {
    ok: false,
    error: { code: 'UNSUPPORTED_PROTOCOL', message: `pdu decode supports cmpp2 and cmpp3, not ${protocol}` },
  };
}
