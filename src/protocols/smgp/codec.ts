/**
 * The SMGP codec others code against: one PDU type (derived from the SMGP 3.0 table in tables.ts),
 * encode, decode and a stream framer, for either Submit layout.
 */
import { createLengthFramer, type Framer } from '../codec/framer.js';
import { decodePdu, encodePdu, type PduOf, type Protocol, type ProtocolSpec } from '../codec/protocol.js';
import type { DecodeResult } from '../codec/result.js';
import { SMGP_PROTOCOLS, type SMGP30 } from './tables.js';

/**
 * `smgp30`: SMGP 3.0 proper. `smgp13`: the 1.3 / 2.0 layout without FixedFee in Submit, for
 * gateways whose Login answers an older version (docs/protocols.md §3.4).
 */
export type SmgpLayout = keyof typeof SMGP_PROTOCOLS;

/**
 * Any SMGP PDU, discriminated on `command`. FixedFee is optional: it defaults in 3.0 and is absent
 * from the 1.3 layout, so a PDU decoded in either layout has this type.
 */
export type SmgpPdu = PduOf<(typeof SMGP30)['spec']>;
export type SmgpCommand = SmgpPdu['command'];
export type SmgpPduOf<C extends SmgpCommand> = Extract<SmgpPdu, { command: C }>;
/** The TLV section of Submit and Deliver. */
export type SmgpTlvs = NonNullable<SmgpPduOf<'SMGP_SUBMIT'>['options']>;

/** PacketLength, RequestID, SequenceID (§6.1.1; docs/protocols.md §3.1). */
export const SMGP_HEADER_SIZE = 12;

// The engine is generic over one table; both layouts share SmgpPdu's shape by construction, so the
// layout's table is handed over at the engine's untyped boundary.
const protocolOf = (layout: SmgpLayout): Protocol<ProtocolSpec> => SMGP_PROTOCOLS[layout];

/** The frame for a PDU; throws AppError `ERR_PROTOCOL_ENCODE` only on bad local input. */
export function encodeSmgp(pdu: SmgpPdu, layout: SmgpLayout = 'smgp30'): Buffer {
  return encodePdu(protocolOf(layout), pdu as PduOf<ProtocolSpec>);
}

/** Decodes one complete frame; never throws. */
export function decodeSmgp(frame: Buffer, layout: SmgpLayout = 'smgp30'): DecodeResult<SmgpPdu> {
  return decodePdu(protocolOf(layout), frame) as DecodeResult<SmgpPdu>;
}

/** A framer for one connection: push received chunks, get whole frames or a fatal framing error. */
export function createSmgpFramer(): Framer {
  const protocol = protocolOf('smgp30');
  return createLengthFramer({
    lengthSpec: protocol.spec.lengthSpec,
    headerSize: protocol.headerSize,
    maxLength: protocol.spec.maxLength,
  });
}
