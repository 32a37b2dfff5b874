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
