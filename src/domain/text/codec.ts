/**
 * Text ⇄ bytes for the codings the carriers' links use (protocols docs/protocols.md §6.1): Msg_Fmt /
 * data_coding 0 (ASCII on the Chinese links, unpacked GSM 7-bit on SMPP), 8 (UCS-2, sent as
 * UTF-16BE) and 15 (GB, decoded as GB18030, a superset of GBK and GB2312). Decoding handles peer
 * data and never throws.
 */
import { decodeGsm7, encodeGsm7 } from './gsm7.js';
import type { TextCoding } from './types.js';

/** Codings we can decode: the ones we send, plus GB text and binary from uplink and reports. */
export type DecodableCoding = TextCoding | 'gbk' | 'binary';

/** "?" stands in for a character an 8-bit coding cannot carry. */
const REPLACEMENT_BYTE = 0x3f;

// Non-fatal: malformed GB bytes become U+FFFD instead of an exception (WHATWG Encoding §4.2).
const gb18030 = new TextDecoder('gb18030');

/** String.fromCharCode over many arguments overflows the stack on large inputs; go in chunks. */
const CHUNK = 8192;

function fromCodes(codes: Uint8Array | Uint16Array): string {
  let out = '';
  for (let i = 0; i < codes.length; i += CHUNK) out += String.fromCharCode(...codes.subarray(i, i + CHUNK));
  return out;
}

function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/**
 * UTF-16BE code units, each as it is: a lone surrogate survives a round trip (TextDecoder would turn
 * it into U+FFFD). An odd trailing byte cannot be a code unit and is dropped.
 */
function decodeUcs2(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < units.length; i++) units[i] = ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0);
  return fromCodes(units);
}

function encodeLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[i] = code <= 0xff ? code : REPLACEMENT_BYTE;
  }
  return out;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * Bytes of the text in one of the codings we send. ascii is one byte per UTF-16 code unit (latin1);
 * gsm7 is unpacked septets; ucs2 is UTF-16BE. A character the coding cannot carry becomes "?":
 * `chooseCoding` only picks ascii or gsm7 for text they carry whole.
 */
export function encodeText(text: string, coding: TextCoding): Uint8Array {
  switch (coding) {
    case 'ascii':
      return encodeLatin1(text);
    case 'gsm7':
      return encodeGsm7(text);
    case 'ucs2':
      return encodeUcs2(text);
  }
}

/** Text of bytes received in a coding; `binary` gives lowercase hex. Never throws. */
export function decodeText(bytes: Uint8Array, coding: DecodableCoding): string {
  switch (coding) {
    case 'ascii':
      return fromCodes(bytes);
    case 'gsm7':
      return decodeGsm7(bytes);
    case 'ucs2':
      return decodeUcs2(bytes);
    case 'gbk':
      return gb18030.decode(bytes);
    case 'binary':
      return toHex(bytes);
  }
}
