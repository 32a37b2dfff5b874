/** CMPP 2.0 / 3.0 PDUs as JSON for `sms12333 pdu decode` (see ../pdu-decode.ts). */
import { decodeText, splitUserData } from '../../domain/text/index.js';
import { fieldsToJson, pduToJson, type FieldRenderer, type JsonValue } from '../codec/describe.js';
import type { PduOf, Protocol, ProtocolSpec } from '../codec/protocol.js';
import type { PduDecodeResult } from '../codec/pdu-json.js';
import { createCmppFramer, decodeCmpp, type CmppVersion } from './codec.js';
import { codingOfMsgFmt } from './codes.js';
import { cmppReportTable, decodeCmppReport } from './report.js';
import { CMPP_PROTOCOLS } from './tables.js';

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

export function decodeCmppHex(version: CmppVersion, bytes: Buffer): PduDecodeResult {
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
