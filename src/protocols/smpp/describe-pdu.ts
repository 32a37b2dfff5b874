/**
 * SMPP 3.4 PDUs as JSON for `sms12333 pdu decode` (see ../pdu-decode.ts): the spec's field names,
 * optional parameters by their spec names, short_message (or message_payload) decoded by
 * data_coding after its UDH when esm_class has 0x40, and a delivery receipt's text read into its
 * fields (docs/protocols.md §4.7).
 */
import { decodeText, splitUserData } from '../../domain/text/index.js';
import { pduToJson, type FieldRenderer, type JsonValue } from '../codec/describe.js';
import type { PduDecodeResult } from '../codec/pdu-json.js';
import { createSmppFramer, decodeSmpp } from './codec.js';
import { codingOfDataCoding, DATA_CODING, ESM_CLASS, isReceipt } from './codes.js';
import { parseReceiptText, type ReceiptText } from './receipt.js';
import { SMPP34 } from './tables.js';

/** Receipt fields under the names the appendix gives them. */
const RECEIPT_NAMES: Readonly<Record<keyof ReceiptText, string>> = {
  id: 'id',
  sub: 'sub',
  dlvrd: 'dlvrd',
  submitDate: 'submit_date',
  doneDate: 'done_date',
  stat: 'stat',
  err: 'err',
  text: 'text',
};

function receiptJson(r: ReceiptText): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, name] of Object.entries(RECEIPT_NAMES) as [keyof ReceiptText, string][]) {
    const value = r[key];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Message octets (short_message or message_payload): a receipt, or text by data_coding. */
const messageContent: FieldRenderer = (value, pdu) => {
  if (!Buffer.isBuffer(value)) return undefined;
  if (value.length === 0) return '';
  const hex = value.toString('hex');
  const esmClass = typeof pdu.esmClass === 'number' ? pdu.esmClass : 0;
  const dataCoding = typeof pdu.dataCoding === 'number' ? pdu.dataCoding : 0;
  if (pdu.command === 'deliver_sm' && isReceipt(esmClass)) {
    // Receipt text is the SMSC's ASCII whatever data_coding says (docs/protocols.md §4.7).
    const text = decodeText(value, dataCoding === DATA_CODING.ucs2 ? 'ucs2' : 'ascii');
    const receipt = parseReceiptText(text);
    return receipt ? { hex, text, receipt: receiptJson(receipt) } : { hex, text };
  }
  const coding = codingOfDataCoding(dataCoding);
  const split = splitUserData(value, (esmClass & ESM_CLASS.udhi) !== 0);
  if (!split.ok) return { hex, udhError: split.reason, text: decodeText(value, coding) };
  const out: Record<string, JsonValue> = { hex, coding, text: decodeText(split.payload, coding) };
  if (split.udh) out.udh = Buffer.from(split.udh).toString('hex');
  if (split.concat) out.concat = { ...split.concat };
  return out;
};

const statusHex: FieldRenderer = (value) =>
  typeof value === 'number' ? `0x${value.toString(16).padStart(8, '0')}` : undefined;

export function decodeSmppHex(bytes: Buffer): PduDecodeResult {
  const framer = createSmppFramer();
  const pushed = framer.push(bytes);
  if (!pushed.ok) return { ok: false, error: { ...pushed.error } };
  if (pushed.frames.length === 0 || framer.buffered > 0) {
    const got = pushed.frames.length === 0 ? bytes.length : framer.buffered;
    return { ok: false, error: { code: 'TRUNCATED', message: `${got} octets do not complete a PDU` } };
  }
  const out: JsonValue[] = [];
  for (const frame of pushed.frames) {
    const decoded = decodeSmpp(frame);
    if (!decoded.ok) return { ok: false, error: { ...decoded.error } };
    const json = pduToJson(SMPP34, decoded.value, frame.length, {
      commandStatus: statusHex,
      shortMessage: messageContent,
      'tlvs.messagePayload': messageContent,
    });
    out.push({ protocol: 'smpp', ...json });
  }
  return { ok: true, json: out.length === 1 ? out[0] : out };
}
