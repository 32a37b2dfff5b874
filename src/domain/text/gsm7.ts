/**
 * GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1, formerly GSM 03.38) and its extension table
 * (§6.2.1.1). SMPP links carry the alphabet unpacked, one septet per octet (data_coding 0); the
 * packed form (TS 23.038 §6.1.2.1.1) is what goes over the air and what some SMSCs expect.
 */

/** Escape to the extension table (TS 23.038 §6.2.1, code 0x1B). */
export const GSM7_ESC = 0x1b;

/** What a character outside the alphabet becomes: "?" is in the default table at 0x3F. */
const REPLACEMENT_SEPTET = 0x3f;

/**
 * The default alphabet, indexed by septet value 0x00–0x7F. Index 0x1B is ESC and has no character
 * of its own; a receiver that does not understand it shows a space (TS 23.038 §6.2.1 note 1).
 */
// prettier-ignore
const DEFAULT_ALPHABET: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', ' ', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

/**
 * The extension table's characters (TS 23.038 §6.2.1.1): each is sent as ESC + code and so costs
 * two septets. 0x0D (CR2) and 0x1B (SS2) are controls, not characters, and are left out.
 */
const EXTENSION_TABLE: readonly (readonly [code: number, char: string])[] = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

const DEFAULT_CODE = new Map<string, number>();
DEFAULT_ALPHABET.forEach((char, code) => {
  if (code !== GSM7_ESC) DEFAULT_CODE.set(char, code);
});
const EXTENSION_CODE = new Map<string, number>(EXTENSION_TABLE.map(([code, char]) => [char, code]));
const EXTENSION_CHAR = new Map<number, string>(EXTENSION_TABLE);

/** Whether one character (a code point) is in the default alphabet or the extension table. */
export function isGsm7Char(char: string): boolean {
  return DEFAULT_CODE.has(char) || EXTENSION_CODE.has(char);
}

/** Whether one character is an extension-table character (two septets: ESC + code). */
export function isGsm7Extension(char: string): boolean {
  return EXTENSION_CODE.has(char);
}

/** Whether every character of the text can be sent in the GSM 7-bit default alphabet. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!isGsm7Char(char)) return false;
  return true;
}

/** Septets the text takes: extension characters count 2, anything outside the alphabet 1 ("?"). */
export function gsm7Septets(text: string): number {
  let septets = 0;
  for (const char of text) septets += EXTENSION_CODE.has(char) ? 2 : 1;
  return septets;
}

/**
 * Unpacked septets, one per octet, as SMPP carries them. A character outside the alphabet becomes
 * "?"; callers choose the coding with `chooseCoding`, which only picks gsm7 when there is none.
 */
export function encodeGsm7(text: string): Uint8Array {
  const out = new Uint8Array(gsm7Septets(text));
  let i = 0;
  for (const char of text) {
    const ext = EXTENSION_CODE.get(char);
    if (ext !== undefined) {
      out[i++] = GSM7_ESC;
      out[i++] = ext;
    } else {
      out[i++] = DEFAULT_CODE.get(char) ?? REPLACEMENT_SEPTET;
    }
  }
  return out;
}

/**
 * Text of unpacked septets. Never throws: an octet's top bit is ignored (some links set it); ESC
 * followed by a code the extension table lacks shows that code's default character (TS 23.038
 * §6.2.1.1: "the MS shall display the character shown in the main GSM 7 bit default alphabet table");
 * ESC ESC and a trailing ESC show a space (§6.2.1 note 1).
 */
export function decodeGsm7(septets: Uint8Array): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const code = (septets[i] ?? 0) & 0x7f;
    if (code !== GSM7_ESC) {
      out += DEFAULT_ALPHABET[code] ?? ' ';
      continue;
    }
    i++;
    if (i >= septets.length) {
      out += ' ';
      break;
    }
    const next = (septets[i] ?? 0) & 0x7f;
    out += EXTENSION_CHAR.get(next) ?? DEFAULT_ALPHABET[next] ?? ' ';
  }
  return out;
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fill bits must be an integer 0..6, got ${fillBits}`);
  }
}

/**
 * Packs septets LSB-first: septet i starts at bit fillBits + 7·i (TS 23.038 §6.1.2.1.1). The fill
 * bits align text that follows a UDH on a septet boundary (TS 23.040 §9.2.3.24); they are zero.
 * Only the low 7 bits of each input octet are used.
 */
export function packSeptets(septets: Uint8Array, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  const out = new Uint8Array(Math.ceil((fillBits + 7 * septets.length) / 8));
  let bit = fillBits;
  for (const value of septets) {
    const septet = value & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = (out[byte] ?? 0) | ((septet << shift) & 0xff);
    // A septet starting after bit 1 of an octet spills into the next one.
    if (shift > 1) out[byte + 1] = (out[byte + 1] ?? 0) | (septet >> (8 - shift));
    bit += 7;
  }
  return out;
}

/**
 * Unpacks `count` septets (the UDL, not the octet count: TS 23.038 §6.1.2.1.1 cannot tell a final
 * "@" from padding). Never throws on peer data: a count beyond the bytes present is cut to what
 * the bytes hold, a negative or fractional count to a whole number ≥ 0.
 */
export function unpackSeptets(bytes: Uint8Array, count: number, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  const available = Math.max(0, Math.floor((bytes.length * 8 - fillBits) / 7));
  const n = Number.isNaN(count) ? 0 : Math.min(Math.max(0, Math.floor(count)), available);
  const out = new Uint8Array(n);
  let bit = fillBits;
  for (let i = 0; i < n; i++) {
    const byte = bit >> 3;
    const shift = bit & 7;
    const word = (bytes[byte] ?? 0) | ((bytes[byte + 1] ?? 0) << 8);
    out[i] = (word >> shift) & 0x7f;
    bit += 7;
  }
  return out;
}
