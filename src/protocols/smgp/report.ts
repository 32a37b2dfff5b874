/**
 * The status report an SMGP Deliver carries in MsgContent when IsReport = 1 (SMGP V3.0.3 §6.2.63;
 * protocols docs/protocols.md §3.5): SMPP-style text whose `id:` is the raw 10-octet MsgID, not text —
 *
 *   id:IIIIIIIIII sub:SSS dlvrd:DDD Submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:EEE Text:…
 *
 * 122 octets as the spec lays it out, and that is what we write. Real gateways deviate (docs/protocols.md §9
 * item 5): "s" instead of spaces, `Submit_Date` / `submit_date` spellings, no space before `sub:`,
 * `txt:` for `Text:`, a non-BCD id, fields missing, 113-octet reports. So the reader is keyword-based:
 * the id is the 10 octets after `id:`, every other field the bytes between its keyword and the next
 * one, matched case-insensitively with `_` and space alike. Only the id and stat are required.
 */
import { failed, type DecodeResult } from '../codec/result.js';
import { SMGP_MSG_ID_LENGTH } from './msg-id.js';

export interface SmgpReport {
  /** The MsgID of the Submit_Resp the report is about, as its 10 raw octets. */
  id: Buffer;
  /** Segments submitted and delivered, "001" each (§6.2.63). */
  sub: string;
  dlvrd: string;
  /** YYMMDDhhmm, Beijing time (some gateways add seconds). */
  submitDate: string;
  doneDate: string;
  /** DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, or a gateway's own code. */
  stat: string;
  /** Three digits (table in codes.ts). */
  err: string;
  /** Up to 20 octets: the length in 3 digits, then the first 17 octets of the message. */
  txt: Buffer;
}

/** The standard layout: keyword and width per field, in order (go_smgp NewReport, SMSGate toBytes). */
const LAYOUT = [
  ['sub', ' sub:', 3],
  ['dlvrd', ' dlvrd:', 3],
  ['submitDate', ' Submit date:', 10],
  ['doneDate', ' done date:', 10],
  ['stat', ' stat:', 7],
  ['err', ' err:', 3],
] as const;
const TEXT_KEY = ' Text:';
const TEXT_WIDTH = 20;

/** The spec's length of the report text. */
export const SMGP_REPORT_LENGTH = 122;

type TextField = (typeof LAYOUT)[number][0];

/**
 * The report in the spec's 122-octet layout, fields NUL-padded on the right. Values longer than
 * their width are cut (a report is built by us from our own data, never from a peer's).
 */
export function encodeSmgpReport(report: SmgpReport): Buffer {
  const out = Buffer.alloc(SMGP_REPORT_LENGTH);
  let at = out.write('id:', 0, 'latin1');
  report.id.copy(out, at, 0, SMGP_MSG_ID_LENGTH);
  at += SMGP_MSG_ID_LENGTH;
  for (const [name, key, width] of LAYOUT) {
    at += out.write(key, at, 'latin1');
    out.write(report[name].slice(0, width), at, 'latin1');
    at += width;
  }
  at += out.write(TEXT_KEY, at, 'latin1');
  report.txt.copy(out, at, 0, TEXT_WIDTH);
  return out;
}

/** Keywords as gateways write them: `_` or space or nothing inside the two-word ones. */
const KEYWORDS = /(sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|te?xt):/gi;

function fieldOf(keyword: string): TextField | 'txt' {
  const k = keyword.toLowerCase().replace(/[ _]/g, '');
  switch (k) {
    case 'sub':
    case 'dlvrd':
    case 'stat':
    case 'err':
      return k;
    case 'submitdate':
      return 'submitDate';
    case 'donedate':
      return 'doneDate';
    default:
      return 'txt';
  }
}

/** A value up to its first NUL, without padding spaces. */
const clean = (value: string): string => {
  const nul = value.indexOf('\0');
  return (nul === -1 ? value : value.slice(0, nul)).trim();
};

/**
 * Reads a report text; never throws. Fails (BAD_FIELD / TRUNCATED) only when there is no `id:`
 * with its 10 octets or no stat; any other field missing is an empty string.
 */
export function parseSmgpReport(content: Buffer): DecodeResult<SmgpReport> {
  const head = content.toString('latin1', 0, 3).toLowerCase();
  if (head !== 'id:') return failed('BAD_FIELD', 'an SMGP report starts with "id:"', 'id');
  const idEnd = 3 + SMGP_MSG_ID_LENGTH;
  if (content.length < idEnd)
    return failed('TRUNCATED', `the report id needs 10 octets, ${content.length - 3} present`, 'id');
  const report: SmgpReport = {
    id: Buffer.from(content.subarray(3, idEnd)),
    sub: '',
    dlvrd: '',
    submitDate: '',
    doneDate: '',
    stat: '',
    err: '',
    txt: Buffer.alloc(0),
  };
  // latin1 keeps one character per octet, so string offsets are byte offsets.
  const text = content.toString('latin1', idEnd);
  const found: { field: TextField | 'txt'; start: number; end: number }[] = [];
  for (const m of text.matchAll(KEYWORDS)) {
    const field = fieldOf(m[1] ?? '');
    found.push({ field, start: m.index, end: m.index + m[0].length });
    if (field === 'txt') break; // the text is free-form: keywords inside it are its own
  }
  // The separator gateways put between fields: what precedes the second keyword (" " or "s").
  const second = found[1];
  const before = second ? text.charAt(second.start - 1) : ' ';
  const separator = /[\s\0]/.test(before) || /[0-9A-Z]/.test(before) ? ' ' : before;
  found.forEach((f, i) => {
    const next = found[i + 1];
    if (f.field === 'txt') {
      const raw = content.subarray(idEnd + f.end);
      let end = raw.length;
      while (end > 0 && raw[end - 1] === 0) end--;
      report.txt = Buffer.from(raw.subarray(0, end));
      return;
    }
    let value = text.slice(f.end, next ? next.start : text.length);
    if (next && value.endsWith(separator)) value = value.slice(0, -1);
    report[f.field] = clean(value);
  });
  if (report.stat === '') return failed('BAD_FIELD', 'the report has no stat', 'stat');
  return { ok: true, value: report };
}
