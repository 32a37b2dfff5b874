/**
 * User Data Header (3GPP TS 23.040 §9.2.3.24): UDHL, then information elements (IEI, IEDL, data).
 * We write the 8-bit-reference concatenation header and read both concatenation forms; other
 * elements (ports, national language shifts, …) are listed but not interpreted. Parsing is for
 * peer data, so it returns a result and never throws.
 */

/** IEI 0x00: concatenated short messages, 8-bit reference (TS 23.040 §9.2.3.24.1). */
export const IEI_CONCAT_8 = 0x00;
/** IEI 0x08: concatenated short messages, 16-bit reference (TS 23.040 §9.2.3.24.8). */
export const IEI_CONCAT_16 = 0x08;

/** Length of the header `concatUdh` writes: UDHL + IEI + IEDL + 3 octets. */
export const CONCAT_UDH_LENGTH = 6;

export interface UdhElement {
  iei: number;
  data: Uint8Array;
}

export interface ConcatInfo {
  /** 0..255 (IEI 0x00) or 0..65535 (IEI 0x08). */
  reference: number;
  total: number;
  /** 1-based. */
  partNo: number;
}

export type UdhParseResult =
  | { ok: true; headerLength: number; elements: UdhElement[]; concat: ConcatInfo | null }
  | { ok: false; reason: string };

export type UserDataSplit =
  | { ok: true; udh: Uint8Array | null; concat: ConcatInfo | null; payload: Uint8Array }
  | { ok: false; reason: string };

function checkByte(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min}..${max}, got ${value}`);
  }
}

/** `05 00 03 ref total seq` — the 6-octet concatenation header (TS 23.040 §9.2.3.24.1). */
export function concatUdh(reference: number, total: number, partNo: number): Uint8Array {
  checkByte('reference', reference, 0, 255);
  checkByte('total', total, 1, 255);
  checkByte('partNo', partNo, 1, total);
  return Uint8Array.of(CONCAT_UDH_LENGTH - 1, IEI_CONCAT_8, 3, reference, total, partNo);
}

/**
 * Concatenation data of one element, or null when the element must be ignored: a wrong length, a
 * total of zero, or a sequence number of zero or above the total (TS 23.040 §9.2.3.24.1: "the
 * receiving entity shall ignore the whole Information Element").
 */
function concatOf(iei: number, data: Uint8Array): ConcatInfo | null {
  let reference: number;
  let rest: Uint8Array;
  if (iei === IEI_CONCAT_8 && data.length === 3) {
    reference = data[0] ?? 0;
    rest = data.subarray(1);
  } else if (iei === IEI_CONCAT_16 && data.length === 4) {
    reference = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
    rest = data.subarray(2);
  } else {
    return null;
  }
  const total = rest[0] ?? 0;
  const partNo = rest[1] ?? 0;
  if (total === 0 || partNo === 0 || partNo > total) return null;
  return { reference, total, partNo };
}

/**
 * Reads the header at the start of `bytes` (which may continue with the payload). `headerLength`
 * counts the UDHL octet too, so the payload starts at `bytes[headerLength]`.
 */
export function parseUdh(bytes: Uint8Array): UdhParseResult {
  const udhl = bytes[0];
  if (udhl === undefined) return { ok: false, reason: 'empty user data: no UDH length octet' };
  const headerLength = udhl + 1;
  if (headerLength > bytes.length) {
    return { ok: false, reason: `UDH length ${udhl} exceeds the ${bytes.length - 1} octets that follow` };
  }
  const elements: UdhElement[] = [];
  let concat: ConcatInfo | null = null;
  let at = 1;
  while (at < headerLength) {
    const iei = bytes[at] ?? 0;
    const iedl = bytes[at + 1];
    if (iedl === undefined || at + 2 + iedl > headerLength) {
      return {
        ok: false,
        reason: `information element 0x${iei.toString(16)} at octet ${at} overruns the UDH`,
      };
    }
    const data = bytes.subarray(at + 2, at + 2 + iedl);
    elements.push({ iei, data: new Uint8Array(data) });
    // A repeated non-repeatable element: "the last occurrence of the IE shall be used" (§9.2.3.24).
    concat = concatOf(iei, data) ?? concat;
    at += 2 + iedl;
  }
  return { ok: true, headerLength, elements, concat };
}

/**
 * Separates the UDH from the text when TP-UDHI (or esm_class 0x40) is set. Octet-level only: a
 * packed GSM 7-bit payload still has its fill bits, which the caller removes with `unpackSeptets`.
 * `udh` and `payload` are copies, never views into `content`.
 */
export function splitUserData(content: Uint8Array, udhi: boolean): UserDataSplit {
  if (!udhi) return { ok: true, udh: null, concat: null, payload: new Uint8Array(content) };
  const parsed = parseUdh(content);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    udh: new Uint8Array(content.subarray(0, parsed.headerLength)),
    concat: parsed.concat,
    payload: new Uint8Array(content.subarray(parsed.headerLength)),
  };
}
