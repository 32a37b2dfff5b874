/**
 * Mainland mobile numbers (docs/design.md §5 Phones): 11 digits starting with 1, in a segment the MIIT
 * numbering plan has given to an operator. The segment table is data (data/carrier-prefixes.ts).
 */
import type { Carrier } from './carrier.js';
import type { CarrierPrefix } from './data/carrier-prefixes.js';
import { CARRIER_PREFIXES } from './data/carrier-prefixes.js';

const BY_PREFIX = new Map<string, CarrierPrefix>(CARRIER_PREFIXES.map((row) => [row.prefix, row]));
/** Prefix lengths present in the table, longest first, so the longest match wins. */
const PREFIX_LENGTHS = [...new Set(CARRIER_PREFIXES.map((row) => row.prefix.length))].sort((a, b) => b - a);

const NATIONAL = /^1\d{10}$/;
/** Country code 86 written as +86, 0086 (international prefix 00) or bare 86. */
const WITH_COUNTRY_CODE = /^(?:\+86|0086|86)?(\d{11})$/;
/** Spaces (including U+3000 ideographic space), ASCII hyphens and full-width hyphens （－）. */
const SEPARATORS = /[\s\-\uff0d]/g;
/** Full-width digits ０–９ (U+FF10–FF19) and plus ＋ (U+FF0B), as Chinese input methods type them. */
const FULL_WIDTH = /[\uff0b\uff10-\uff19]/g;
/** Longer than any plausible way of writing a number: refuse before doing any work. */
const MAX_RAW_LENGTH = 64;

function rowOf(mobile: string): CarrierPrefix | null {
  if (!NATIONAL.test(mobile)) return null;
  for (const length of PREFIX_LENGTHS) {
    const row = BY_PREFIX.get(mobile.slice(0, length));
    if (row) return row;
  }
  return null;
}

/**
 * The 11-digit national number, or null when the input is not a plausible mainland mobile number
 * (wrong length, not starting with 1, a segment no operator holds, a foreign country code).
 */
export function normalizeMobile(raw: string): string | null {
  if (raw.length > MAX_RAW_LENGTH) return null;
  const compact = raw
    .replace(FULL_WIDTH, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(SEPARATORS, '');
  const national = WITH_COUNTRY_CODE.exec(compact)?.[1];
  if (national === undefined || rowOf(national) === null) return null;
  return national;
}

/** The operator that issued the number's segment (`mvno` for a virtual operator), or null. */
export function carrierOf(mobile: string): Carrier | null {
  return rowOf(mobile)?.carrier ?? null;
}

/** The network the number rides on: its own operator, or a virtual operator's host network. */
export function networkOf(mobile: string): Exclude<Carrier, 'mvno'> | null {
  return rowOf(mobile)?.network ?? null;
}

/** One number as an operator pasted it, with the line it was on (1-based). */
export interface PastedEntry {
  line: number;
  raw: string;
}

/**
 * The entries of pasted text: one per line, or separated by commas, semicolons, 、, | or tabs;
 * within such a piece, spaces separate numbers unless the whole piece is one number written with
 * spaces (`+86 138 0013 8000`). Entries are as written: normalise them with `normalizeMobile`.
 */
export function pastedEntries(text: string): PastedEntry[] {
  const out: PastedEntry[] = [];
  text.split(/\r\n|\r|\n/).forEach((lineText, i) => {
    for (const piece of lineText.split(/[,，;；、|\t]+/)) {
      const trimmed = piece.trim();
      if (trimmed === '') continue;
      const words = normalizeMobile(trimmed) !== null ? [trimmed] : trimmed.split(/\s+/);
      for (const raw of words) out.push({ line: i + 1, raw });
    }
  });
  return out;
}

/** The valid numbers of pasted text, once each, and the entries that are no number (cut to 24 characters). */
export function pastedNumbers(text: string): { valid: string[]; invalid: string[] } {
  const valid = new Set<string>();
  const invalid: string[] = [];
  for (const { raw } of pastedEntries(text)) {
    const mobile = normalizeMobile(raw);
    if (mobile === null) invalid.push(raw.slice(0, 24));
    else valid.add(mobile);
  }
  return { valid: [...valid], invalid };
}
