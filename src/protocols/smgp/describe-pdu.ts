/**
 * SMGP 3.0 PDUs as JSON for `sms12333 pdu decode` (see ../pdu-decode.ts): spec field names, the
 * TLVs by their spec names, a MsgID split into its BCD parts, message content decoded by MsgFormat
 * after its UDH (TP_udhi TLV), and a status report decoded into its fields.
 */
import { decodeText, splitUserData } from '../../domain/text/index.js';
import { pduToJson, type FieldRenderer, type JsonValue } from '../codec/describe.js';
import type { PduDecodeResult } from '../codec/pdu-json.js';
import type { PduOf, Protocol, ProtocolSpec } from '../codec/protocol.js';
import { createSmgpFramer, decodeSmgp, type SmgpLayout } from './codec.js';
import { codingOfMsgFormat, REPORT_ERR } from './codes.js';
import { parseSmgpMsgId, smgpMsgIdText } from './msg-id.js';
import { parseSmgpReport } from './report.js';
import { SMGP_PROTOCOLS } from './tables.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A MsgID as its hex text, with the SMGW code, MMDDHHMM and sequence when it is BCD (§6.2.26). */
function msgIdJson(id: Buffer): JsonValue {
  const fields = parseSmgpMsgId(id);
  if (!fields) return { hex: smgpMsgIdText(id), bcd: false };
  const { smgwCode, month, day, hour, minute, sequence } = fields;
  return {
    hex: smgpMsgIdText(id),
    smgwCode,
    time: `${pad(month)}${pad(day)}${pad(hour)}${pad(minute)}`,
    sequence: pad(sequence, 6),
  };
}

const msgId: FieldRenderer = (value) => (Buffer.isBuffer(value) ? msgIdJson(value) : undefined);

/** The report text of a Deliver with IsReport = 1 (§6.2.63), field by field. */
function reportJson(content: Buffer): JsonValue {
  const hex = content.toString('hex');
  const report = parseSmgpReport(content);
  if (!report.ok) return { hex, error: { ...report.error } };
  const r = report.value;
  // Built key by key: an object literal typed as JSON would check `sub` against String.prototype.sub.
  const fields: Record<string, JsonValue> = { id: msgIdJson(r.id) };
  fields.sub = r.sub;
  fields.dlvrd = r.dlvrd;
  fields.Submit_date = r.submitDate;
  fields.done_date = r.doneDate;
  fields.Stat = r.stat;
  fields.Err = r.err;
  fields.ErrReason = REPORT_ERR[r.err]?.en ?? null;
  fields.Txt = r.txt.toString('latin1');
  return { hex, report: fields };
}

/** MsgContent: a report on a Deliver with IsReport = 1, else text by MsgFormat after any UDH. */
const msgContent: FieldRenderer = (value, pdu) => {
  if (!Buffer.isBuffer(value)) return undefined;
  if (pdu.command === 'SMGP_DELIVER' && pdu.isReport === 1) return reportJson(value);
  const hex = value.toString('hex');
  const coding = codingOfMsgFormat(typeof pdu.msgFormat === 'number' ? pdu.msgFormat : 0);
  const options = pdu.options as { tpUdhi?: number } | undefined;
  const split = splitUserData(value, options?.tpUdhi === 1);
  if (!split.ok) return { hex, udhError: split.reason, text: decodeText(value, coding) };
  const out: Record<string, JsonValue> = { hex, coding, text: decodeText(split.payload, coding) };
  if (split.udh) out.udh = Buffer.from(split.udh).toString('hex');
  if (split.concat) out.concat = { ...split.concat };
  return out;
};

/**
 * One PDU or back-to-back PDUs (then an array). A Submit that does not add up in the SMGP 3.0
 * layout but does in the 1.3 one (no FixedFee, docs/protocols.md §3.4) is shown in that layout, and says so.
 */
export function decodeSmgpHex(bytes: Buffer): PduDecodeResult {
  const framer = createSmgpFramer();
  const pushed = framer.push(bytes);
  if (!pushed.ok) return { ok: false, error: { ...pushed.error } };
  if (pushed.frames.length === 0 || framer.buffered > 0) {
    const got = pushed.frames.length === 0 ? bytes.length : framer.buffered;
    return { ok: false, error: { code: 'TRUNCATED', message: `${got} octets do not complete a PDU` } };
  }
  const out: JsonValue[] = [];
  for (const frame of pushed.frames) {
    let layout: SmgpLayout = 'smgp30';
    let decoded = decodeSmgp(frame, layout);
    if (!decoded.ok && decodeSmgp(frame, 'smgp13').ok) {
      layout = 'smgp13';
      decoded = decodeSmgp(frame, layout);
    }
    if (!decoded.ok) return { ok: false, error: { ...decoded.error } };
    // The describer is generic over one table; the layout's table is the one that decoded the frame.
    const protocol: Protocol<ProtocolSpec> = SMGP_PROTOCOLS[layout];
    const json = pduToJson(protocol, decoded.value as PduOf<ProtocolSpec>, frame.length, {
      msgId,
      msgContent,
    });
    out.push({ protocol: 'smgp', ...(layout === 'smgp13' ? { layout: '1.3 (no FixedFee)' } : {}), ...json });
  }
  return { ok: true, json: out.length === 1 ? out[0] : out };
}
