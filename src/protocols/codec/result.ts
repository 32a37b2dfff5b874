/**
 * What decoding peer bytes can answer. Peer input never makes a decoder throw: it returns one of
 * these, with a stable `code` callers may branch on and a message for the logs.
 */
export const DECODE_ERROR_CODES = [
  /** A field runs past the end of the bytes. */
  'TRUNCATED',
  /** The length the header announces differs from the bytes present (or bytes are left over). */
  'LENGTH_MISMATCH',
  /** A command id no table of the protocol knows. */
  'UNKNOWN_COMMAND',
  /** A total length, length field or count above what the protocol allows. */
  'TOO_LONG',
  /** A total length below the header size. */
  'TOO_SHORT',
  /** A field holds a value the protocol does not allow. */
  'BAD_FIELD',
] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

export interface DecodeError {
  readonly code: DecodeErrorCode;
  readonly message: string;
  /** The field being read when it failed, when there is one. */
  readonly field?: string;
}

export type DecodeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError };

export function decodeError(code: DecodeErrorCode, message: string, field?: string): DecodeError {
  return field === undefined ? { code, message } : { code, message, field };
}

export function decoded<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

export function failed<T>(code: DecodeErrorCode, message: string, field?: string): DecodeResult<T> {
  return { ok: false, error: decodeError(code, message, field) };
}
