/**
 * The SMPP 3.4 codec others code against: the PDU union derived from tables.ts, encode, decode and
 * a stream framer.
 */
import { createLengthFramer, type Framer } from '../codec/framer.js';
import { decodePdu, encodePdu, type PduOf } from '../codec/protocol.js';
import type { DecodeResult } from '../codec/result.js';
import { SMPP34 } from './tables.js';

/** Any SMPP PDU, discriminated on `command` (the spec's command name). */
export type SmppPdu = PduOf<(typeof SMPP34)['spec']>;
export type SmppCommand = SmppPdu['command'];
export type SmppPduOf<C extends SmppCommand> = Extract<SmppPdu, { command: C }>;
/** The optional parameters of a PDU that has them. */
export type SmppTlvs = NonNullable<SmppPduOf<'submit_sm'>['tlvs']>;

/** command_length, command_id, command_status, sequence_number (§3.2; docs/protocols.md §4.1). */
export const SMPP_HEADER_SIZE = 16;

/** The frame for a PDU; throws AppError `ERR_PROTOCOL_ENCODE` only on bad local input. */
export function encodeSmpp(pdu: SmppPdu): Buffer {
  return encodePdu(SMPP34, pdu);
}

/** Decodes one complete frame; never throws. */
export function decodeSmpp(frame: Buffer): DecodeResult<SmppPdu> {
  return decodePdu(SMPP34, frame);
}

/** A framer for one connection: push received chunks, get whole frames or a fatal framing error. */
export function createSmppFramer(): Framer {
  return createLengthFramer({
    lengthSpec: SMPP34.spec.lengthSpec,
    headerSize: SMPP34.headerSize,
    maxLength: SMPP34.spec.maxLength,
  });
}

/** The sequence_number of a frame whose body may not decode (header present), else null. */
export function peekSequence(frame: Buffer): number | null {
  return frame.length >= SMPP_HEADER_SIZE ? frame.readUInt32BE(12) : null;
}

/** Whether a command_id names a response (§5.1.2: the high bit). */
export const isResponseId = (commandId: number): boolean => (commandId & 0x80000000) !== 0;
