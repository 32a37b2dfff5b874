/**
 * The SMGP MsgID (SMGP V3.0.3 §6.2.26; protocols docs/protocols.md §3.6): 10 octets of BCD, 20 digits —
 * SMGW code (3 octets: area code, device type 06, index), time MMDDHHMM (4 octets) and a sequence
 * (3 octets). Gateways do not all keep to BCD (docs/protocols.md §9 item 5), so for matching the id is opaque:
 * the platform names it by its 20 hex characters, which for a BCD id are its 20 digits.
 */
import { AppError } from '../../shared/errors.js';

export const SMGP_MSG_ID_LENGTH = 10;

export interface SmgpMsgIdFields {
  /** Six digits: three of area code, "06" for an SMGW, one of index (e.g. "010061"). */
  smgwCode: string;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0..999999. */
  sequence: number;
}

const two = (name: string, value: number, min: number, max: number): string => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new AppError('ERR_PROTOCOL_ENCODE', `MsgID ${name} must be ${min}..${max}, got ${value}`);
  return String(value).padStart(2, '0');
};

/** The 10 BCD octets of an id; throws `ERR_PROTOCOL_ENCODE` on fields that do not fit. */
export function composeSmgpMsgId(f: SmgpMsgIdFields): Buffer {
  if (!/^\d{6}$/.test(f.smgwCode))
    throw new AppError('ERR_PROTOCOL_ENCODE', `MsgID smgwCode must be 6 digits, got ${f.smgwCode}`);
  if (!Number.isInteger(f.sequence) || f.sequence < 0 || f.sequence > 999_999)
    throw new AppError('ERR_PROTOCOL_ENCODE', `MsgID sequence must be 0..999999, got ${f.sequence}`);
  const digits =
    f.smgwCode +
    two('month', f.month, 1, 12) +
    two('day', f.day, 1, 31) +
    two('hour', f.hour, 0, 23) +
    two('minute', f.minute, 0, 59) +
    String(f.sequence).padStart(6, '0');
  // Two decimal digits per octet, high nibble first: the hex of a BCD octet is its two digits.
  return Buffer.from(digits, 'hex');
}

/** The fields of a BCD id, or null when it is not 10 octets of decimal digits (a vendor's own id). */
export function parseSmgpMsgId(id: Buffer): SmgpMsgIdFields | null {
  if (id.length !== SMGP_MSG_ID_LENGTH) return null;
  const digits = id.toString('hex');
  if (!/^\d{20}$/.test(digits)) return null;
  const n = (at: number, width = 2): number => Number(digits.slice(at, at + width));
  return {
    smgwCode: digits.slice(0, 6),
    month: n(6),
    day: n(8),
    hour: n(10),
    minute: n(12),
    sequence: n(14, 6),
  };
}

/** The carrierMsgId the platform stores and matches reports by: 20 lowercase hex characters. */
export function smgpMsgIdText(id: Buffer): string {
  return id.toString('hex');
}

/** The 10 octets a carrierMsgId names, or null when it is not 20 hex characters. */
export function smgpMsgIdFromText(text: string): Buffer | null {
  return /^[0-9a-f]{20}$/i.test(text) ? Buffer.from(text, 'hex') : null;
}
