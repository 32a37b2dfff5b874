/**
 * SMPP delivery receipts (SMPP 3.4 Appendix B; protocols docs/protocols.md §4.7): the text form inside a
 * deliver_sm with esm_class message type 0x04, and how its message id is tied back to the id the
 * submit_sm_resp gave.
 *
 * The text is "vendor specific, typical example", so it is read by keyword, not by position:
 * case-insensitive, `_` and space alike (`submit_date`, `Submit date`), values up to the next
 * keyword, `text:` to the end. Fields may be missing (jasmin: no sub/dlvrd/text), dates may have 12
 * digits, ids may be decimal, hex or a UUID.
 *
 * Carrier ids. Every id — submit_sm_resp message_id, receipted_message_id, the text's `id:` — is
 * normalised the same way: trimmed and lower-cased (`normalizeMessageId`), so case alone never
 * splits a pair. The report is keyed by receipted_message_id when present: SMPP 3.4 §5.3.2.12 makes
 * it the id "allocated to the original short message when submitted", i.e. exactly what
 * submit_sm_resp said. Without it the text's `id:` is used. SMSCs are known to write the text id in
 * decimal and the TLV (and so the submit_sm_resp) in hex (docs/protocols.md §4.7: 0059113978 ↔ 38601fa), so
 * when the gateway still remembers the ids it was given (`RecentIds`), a receipt whose own id is
 * not among them is matched through its decimal ↔ hex conversion; otherwise the primary id stands.
 */

/** Fields of a receipt text by keyword (docs/protocols.md §4.7); absent keywords stay undefined. */
export interface ReceiptText {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  stat?: string;
  err?: string;
  text?: string;
}

const KEYS: Readonly<Record<string, keyof ReceiptText>> = {
  id: 'id',
  sub: 'sub',
  dlvrd: 'dlvrd',
  'submit date': 'submitDate',
  'done date': 'doneDate',
  stat: 'stat',
  err: 'err',
  text: 'text',
};

/** A keyword at the start or after white space, with `_` or spaces between two-word keywords. */
const KEYWORD = /(?:^|\s)(id|sub|dlvrd|submit[_ ]+date|done[_ ]+date|stat|err|text):/gi;

/** Reads a receipt text; null when it has neither an `id:` nor a `stat:` (not a receipt text). */
export function parseReceiptText(raw: string): ReceiptText | null {
  // Some SMSCs end the text with a C string's NUL (jasmin's message_payload receipt).
  const text = raw.replace(/\0+$/, '');
  const marks: { key: keyof ReceiptText; start: number; valueAt: number }[] = [];
  for (const m of text.matchAll(KEYWORD)) {
    const word = (m[1] ?? '').toLowerCase().replace(/[_ ]+/g, ' ');
    const key = KEYS[word];
    if (key === undefined) continue;
    marks.push({ key, start: m.index, valueAt: m.index + m[0].length });
    // `text:` runs to the end; what looks like a keyword inside it is the message's own text.
    if (key === 'text') break;
  }
  const out: ReceiptText = {};
  marks.forEach((mark, i) => {
    const end = mark.key === 'text' ? text.length : (marks[i + 1]?.start ?? text.length);
    // A repeated keyword keeps its first value.
    out[mark.key] ??=
      mark.key === 'text' ? text.slice(mark.valueAt, end) : text.slice(mark.valueAt, end).trim();
  });
  return out.id === undefined && out.stat === undefined ? null : out;
}

export interface ReceiptFields {
  id: string;
  sub: string;
  dlvrd: string;
  submitDate: string;
  doneDate: string;
  stat: string;
  err: string;
  text: string;
}

/** The Appendix B form: `id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:… stat:DELIVRD err:000 text:…`. */
export function formatReceiptText(r: ReceiptFields): string {
  return (
    `id:${r.id} sub:${r.sub} dlvrd:${r.dlvrd} submit date:${r.submitDate} done date:${r.doneDate}` +
    ` stat:${r.stat} err:${r.err} text:${r.text}`
  );
}

/** The form every SMPP message id is compared in: trimmed, lower-case. */
export function normalizeMessageId(raw: string): string {
  return raw.trim().toLowerCase();
}

const DECIMAL = /^\d{1,40}$/;
const HEX = /^[0-9a-f]{1,32}$/;

/**
 * The same number written the other way: decimal → hex, hex → decimal (also zero-padded to the
 * appendix's 10 digits). Ids too long to be one number have none.
 */
export function alternateIds(id: string): string[] {
  const out: string[] = [];
  if (DECIMAL.test(id)) out.push(BigInt(id).toString(16));
  if (HEX.test(id)) {
    const decimal = BigInt(`0x${id}`).toString(10);
    out.push(decimal, decimal.padStart(10, '0'));
  }
  return [...new Set(out)].filter((alt) => alt !== id);
}

/** Ids the gateway was given lately, bounded: the oldest is forgotten first. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  add(id: string): void {
    if (id === '') return;
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/**
 * The carrier id a receipt is about (see the module comment): receipted_message_id, else the text
 * id, each normalised; a remembered id among them or their conversions wins. Null without either.
 */
export function receiptCarrierId(
  tlvId: string | undefined,
  textId: string | undefined,
  recent: RecentIds | null,
): string | null {
  const direct = [tlvId, textId]
    .filter((x): x is string => x !== undefined)
    .map(normalizeMessageId)
    .filter((x) => x !== '');
  const primary = direct[0];
  if (primary === undefined) return null;
  if (recent === null || recent.has(primary)) return primary;
  const candidates = [...direct.slice(1), ...direct.flatMap(alternateIds)];
  return candidates.find((c) => recent.has(c)) ?? primary;
}
