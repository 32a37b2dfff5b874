/** What `sms12333 pdu decode` answers for any protocol. */
import type { DecodeErrorCode } from './result.js';

export interface PduDecodeError {
  code: DecodeErrorCode | 'BAD_HEX' | 'UNSUPPORTED_PROTOCOL';
  message: string;
}

export type PduDecodeResult = { ok: true; json: unknown } | { ok: false; error: PduDecodeError };
