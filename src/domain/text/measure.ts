/**
 * How long a text is and how many SMS it takes (docs/design.md §5 Text; protocols docs/protocols.md §6.2; LD/T 6007
 * §3.1 and Appendix A code 9). Admission counts with the profile of the route the number will take.
 */
import { gsm7Septets, isGsm7, isGsm7Extension } from './gsm7.js';
import type { TextCoding, TextMeasure, TextProfile } from './types.js';

/**
 * Units per SMS (bytes for ascii, septets for gsm7, UTF-16 code units for ucs2). A concatenated
 * segment gives 6 of the 140 user-data octets to the UDH (TS 23.040 §9.2.3.24.1): 134 octets, which
 * is 153 septets or 67 UCS-2 units. A single CN-link ASCII SMS holds 159: the gateway repacks it
 * into 7-bit for the air, but CMPP and SMGP take Msg_Length "fewer than 160" for Msg_Fmt 0
 * (docs/protocols.md §6.2) and one count serves all three CN links; a segment keeps its 8-bit bytes
 * next to the UDH, hence 134.
 */
export const TEXT_LIMITS = {
  ascii: { single: 159, segment: 134 },
  gsm7: { single: 160, segment: 153 },
  ucs2: { single: 70, segment: 67 },
} as const satisfies Record<TextCoding, { single: number; segment: number }>;

/** The UDH's total and sequence octets are one byte each (TS 23.040 §9.2.3.24.1). */
export const MAX_SEGMENTS = 255;

/** CN-link "ASCII" (Msg_Fmt 0): printable ASCII plus CR and LF. */
const CN_ASCII = /^[\x20-\x7e\r\n]*$/;

/** The wire coding a text needs on a route with this profile. */
export function chooseCoding(text: string, profile: TextProfile): TextCoding {
  switch (profile) {
    case 'cn':
      return CN_ASCII.test(text) ? 'ascii' : 'ucs2';
    case 'gsm':
    case 'gsm-sar':
      return isGsm7(text) ? 'gsm7' : 'ucs2';
  }
}

/**
 * Units per concatenated segment on a route: with SAR TLVs (`gsm-sar`) the SMSC carries the
 * concatenation outside the short message, so a segment holds a whole SMS.
 */
export function segmentLimit(coding: TextCoding, profile: TextProfile): number {
  return profile === 'gsm-sar' ? TEXT_LIMITS[coding].single : TEXT_LIMITS[coding].segment;
}

/** Length in the coding's units; matches the length of `encodeText(text, coding)`. */
export function unitsOf(text: string, coding: TextCoding): number {
  return coding === 'gsm7' ? gsm7Septets(text) : text.length;
}

/**
 * Where each SMS of the text ends, as exclusive UTF-16 indices into the text; one entry when it fits a
 * single SMS (an empty text too). A surrogate pair and a GSM escape sequence are indivisible, so a
 * segment may hold one unit less than the limit rather than split them (TS 23.040 §9.2.3.24.1 leaves
 * each segment to be displayed on its own). Shared by `measureText` and `segmentText` so the two
 * never disagree.
 */
export function segmentEnds(text: string, coding: TextCoding, profile?: TextProfile): number[] {
  const limits = {
    single: TEXT_LIMITS[coding].single,
    segment: profile ? segmentLimit(coding, profile) : TEXT_LIMITS[coding].segment,
  };
  if (unitsOf(text, coding) <= limits.single) return [text.length];
  const ends: number[] = [];
  let used = 0;
  let i = 0;
  while (i < text.length) {
    const codePoint = text.codePointAt(i) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    // Costs mirror the encoders: gsm7 sends a code point as one septet ("?" if foreign) or two
    // (ESC + code); ascii and ucs2 send each UTF-16 code unit as one unit.
    const cost = coding === 'gsm7' ? (isGsm7Extension(text.slice(i, i + width)) ? 2 : 1) : width;
    if (used + cost > limits.segment) {
      ends.push(i);
      used = 0;
    }
    used += cost;
    i += width;
  }
  ends.push(text.length);
  return ends;
}

/** Coding, length and SMS count of a text; `segments` always equals `segmentText(...).length`. */
export function measureText(text: string, profile: TextProfile): TextMeasure {
  const coding = chooseCoding(text, profile);
  const units = unitsOf(text, coding);
  return {
    coding,
    units,
    segments: segmentEnds(text, coding, profile).length,
    fitsSingle: units <= TEXT_LIMITS[coding].single,
  };
}
