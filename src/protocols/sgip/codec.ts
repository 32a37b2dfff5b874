/**
 * The SGIP 1.2 codec others code against: the PDU type derived from the field tables (tables.ts),
 * encode, decode, a stream framer, and the TRACE_RESP entries.
 */
import type { StructValue } from '../codec/fields.js';
import { createLengthFramer, type Framer } from '../codec/framer.js';
import { decodePdu, encodePdu, type PduOf } from '../codec/protocol.js';
import type { DecodeResult } from '../codec/result.js';
import { decodeStruct, encodeStruct } from '../codec/struct.js';
import { SGIP, TRACE_ENTRY } from './tables.js';

/** Any SGIP PDU, discriminated on `command`; Reserve fields are optional and default to empty. */
export type SgipPdu = PduOf<(typeof SGIP)['spec']>;
export type SgipCommand = SgipPdu['command'];
export type SgipPduOf<C extends SgipCommand> = Extract<SgipPdu, { command: C }>;

/** One node a traced SUBMIT passed (§4.4.2). */
export type SgipTraceEntry = StructValue<typeof TRACE_ENTRY>;

/** The frame for a PDU; throws AppError `ERR_PROTOCOL_ENCODE` only on bad local input. */
export function encodeSgip(pdu: SgipPdu): Buffer {
  return encodePdu(SGIP, pdu);
}

/** Decodes one complete frame; never throws. */
export function decodeSgip(frame: Buffer): DecodeResult<SgipPdu> {
  return decodePdu(SGIP, frame);
}

/** A decoded frame, and how many octets a lenient read left out (0 when none). */
export interface LenientDecode {
  result: DecodeResult<SgipPdu>;
  ignored: number;
}

/**
 * Decodes like `decodeSgip`, but a response that has no body (UNBIND_RESP) and arrives with one —
 * some SMGs send the Result and Reserve of the other responses, 9 octets — is read without it
 * (docs/protocols.md §9 item 13); `ignored` says how many octets were left out. Never throws.
 */
export function decodeSgipLenient(frame: Buffer): LenientDecode {
  const result = decodeSgip(frame);
  if (result.ok || result.error.code !== 'LENGTH_MISMATCH' || frame.length <= SGIP.headerSize)
    return { result, ignored: 0 };
  const id = frame.readUInt32BE(4);
  if (!BODILESS_RESPONSES.has(id) || frame.readUInt32BE(0) !== frame.length) return { result, ignored: 0 };
  const head = Buffer.from(frame.subarray(0, SGIP.headerSize));
  head.writeUInt32BE(SGIP.headerSize, 0);
  return { result: decodeSgip(head), ignored: frame.length - SGIP.headerSize };
}

/** Command ids of responses whose body is empty (the high bit marks a response). */
const BODILESS_RESPONSES: ReadonlySet<number> = new Set<number>(
  Object.values(SGIP.spec.commands)
    .filter((c) => c.body.length === 0 && c.id >= 0x80000000)
    .map((c) => c.id),
);

/** A framer for one connection: push received chunks, get whole frames or a fatal framing error. */
export function createSgipFramer(): Framer {
  return createLengthFramer({
    lengthSpec: SGIP.spec.lengthSpec,
    headerSize: SGIP.headerSize,
    maxLength: SGIP.spec.maxLength,
  });
}

/** The 47 octets of a TRACE_RESP entry. */
export function encodeSgipTraceEntry(entry: SgipTraceEntry): Buffer {
  return encodeStruct(TRACE_ENTRY, entry);
}

/** A TRACE_RESP entry from its 47 octets; never throws. */
export function decodeSgipTraceEntry(raw: Buffer): DecodeResult<SgipTraceEntry> {
  return decodeStruct(TRACE_ENTRY, raw);
}
