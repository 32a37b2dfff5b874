/**
 * SGIP 1.2 PDUs as JSON for `sms12333 pdu decode` (see ../pdu-decode.ts): the spec's field names in
 * wire order, each sequence triple also as the `node-time-counter` text the platform stores,
 * MessageContent decoded by MessageCoding after its UDH when TP_udhi = 1, TRACE_RESP entries
 * decoded field by field.
 */
import { decodeText, splitUserData } from '../../domain/text/index.js';
import { fieldsToJson, pduToJson, type FieldRenderer, type JsonValue } from '../codec/describe.js';
import type { PduDecodeResult } from '../codec/pdu-json.js';
import { createSgipFramer, decodeSgip, decodeSgipTraceEntry, type SgipPdu } from './codec.js';
import { codingOfMessageCoding } from './codes.js';
import { sequenceOf, sgipSequenceText, submitSequenceOf } from './sequence.js';
import { SGIP, TRACE_ENTRY } from './tables.js';

const messageContent: FieldRenderer = (value, pdu) => {
  if (!Buffer.isBuffer(value)) return undefined;
  const hex = value.toString('hex');
  const coding = codingOfMessageCoding(typeof pdu.messageCoding === 'number' ? pdu.messageCoding : 0);
  const split = splitUserData(value, pdu.tpUdhi === 1);
  if (!split.ok) return { hex, udhError: split.reason, text: decodeText(value, coding) };
  const out: Record<string, JsonValue> = { hex, coding, text: decodeText(split.payload, coding) };
  if (split.udh) out.udh = Buffer.from(split.udh).toString('hex');
  if (split.concat) out.concat = { ...split.concat };
  return out;
};

const traceEntries: FieldRenderer = (value) => {
  if (!Array.isArray(value)) return undefined;
  return value.map((raw): JsonValue => {
    if (!Buffer.isBuffer(raw)) return null;
    const entry = decodeSgipTraceEntry(raw);
    return entry.ok ? fieldsToJson(TRACE_ENTRY, entry.value) : { hex: raw.toString('hex') };
  });
};

function describe(pdu: SgipPdu, totalLength: number): Record<string, JsonValue> {
  const json = pduToJson(SGIP, pdu, totalLength, { messageContent, entries: traceEntries });
  const extra: Record<string, JsonValue> = { 'Sequence Number': sgipSequenceText(sequenceOf(pdu)) };
  if (pdu.command === 'SGIP_REPORT' || pdu.command === 'SGIP_TRACE')
    extra.SubmitSequenceNumber = sgipSequenceText(submitSequenceOf(pdu));
  return { protocol: 'sgip', ...json, ...extra };
}

/** One PDU, or back-to-back PDUs as an array; a frame that does not decode answers its typed error. */
export function decodeSgipHex(bytes: Buffer): PduDecodeResult {
  const framer = createSgipFramer();
  const pushed = framer.push(bytes);
  if (!pushed.ok) return { ok: false, error: { ...pushed.error } };
  if (pushed.frames.length === 0 || framer.buffered > 0) {
    const got = pushed.frames.length === 0 ? bytes.length : framer.buffered;
    return { ok: false, error: { code: 'TRUNCATED', message: `${got} octets do not complete a PDU` } };
  }
  const out: JsonValue[] = [];
  for (const frame of pushed.frames) {
    const decoded = decodeSgip(frame);
    if (!decoded.ok) return { ok: false, error: { ...decoded.error } };
    out.push(describe(decoded.value, frame.length));
  }
  return { ok: true, json: out.length === 1 ? out[0] : out };
}
