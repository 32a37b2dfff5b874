/**
 * The CMPP 2.0 / 3.0 codec others code against: one PDU type for both versions (derived from the
 * two tables in tables.ts), encode, decode and a stream framer per version.
 */
import type { Simplify } from '../codec/fields.js';
import { createLengthFramer, type Framer } from '../codec/framer.js';
import { decodePdu, encodePdu, type PduOf, type Protocol, type ProtocolSpec } from '../codec/protocol.js';
import type { DecodeResult } from '../codec/result.js';
import { CMPP_PROTOCOLS, type CMPP2, type CMPP3 } from './tables.js';

export type CmppVersion = 'cmpp2' | 'cmpp3';
export const CMPP_VERSIONS: readonly CmppVersion[] = ['cmpp2', 'cmpp3'];

/** A PDU exactly as the CMPP 2.0 table describes it. */
export type Cmpp2Pdu = PduOf<(typeof CMPP2)['spec']>;
/** A PDU exactly as the CMPP 3.0 table describes it. */
export type Cmpp3Pdu = PduOf<(typeof CMPP3)['spec']>;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T] & keyof T;
type ValueAt<T, K extends PropertyKey> = T extends unknown
  ? K extends keyof T
    ? Exclude<T[K], undefined>
    : never
  : never;
/** Fields both versions require stay required; a field only one version has (or defaults) is optional. */
type MergeVersions<A, B> = Simplify<
  { [K in RequiredKeys<A> & RequiredKeys<B> & PropertyKey]: ValueAt<A | B, K> } & {
    [K in Exclude<keyof A | keyof B, RequiredKeys<A> & RequiredKeys<B>>]?: ValueAt<A | B, K>;
  }
>;

/**
 * Any CMPP PDU, discriminated on `command`, encodable for either version: fields only one version
 * carries (LinkID, *_terminal_type, Reserve) are optional and default when missing. A decoded PDU
 * has every field of its version.
 */
export type CmppPdu = {
  [C in Cmpp2Pdu['command']]: MergeVersions<
    Extract<Cmpp2Pdu, { command: C }>,
    Extract<Cmpp3Pdu, { command: C }>
  >;
}[Cmpp2Pdu['command']];

export type CmppCommand = CmppPdu['command'];
export type CmppPduOf<C extends CmppCommand> = Extract<CmppPdu, { command: C }>;

/** Total_Length, Command_Id, Sequence_Id (docs/protocols.md §1.1). */
export const CMPP_HEADER_SIZE = 12;

// The engine is generic over one table; the two CMPP tables share CmppPdu's shape by construction,
// so the version's table is handed over at the engine's untyped boundary.
const protocolOf = (version: CmppVersion): Protocol<ProtocolSpec> => CMPP_PROTOCOLS[version];

/** The frame for a PDU; throws AppError `ERR_PROTOCOL_ENCODE` only on bad local input. */
export function encodeCmpp(version: CmppVersion, pdu: CmppPdu): Buffer {
  return encodePdu(protocolOf(version), pdu as PduOf<ProtocolSpec>);
}

/** Decodes one complete frame; never throws. */
export function decodeCmpp(version: CmppVersion, frame: Buffer): DecodeResult<CmppPdu> {
  return decodePdu(protocolOf(version), frame) as DecodeResult<CmppPdu>;
}

/** A framer for one connection: push received chunks, get whole frames or a fatal framing error. */
export function createCmppFramer(version: CmppVersion): Framer {
  const protocol = protocolOf(version);
  return createLengthFramer({
    lengthSpec: protocol.spec.lengthSpec,
    headerSize: protocol.headerSize,
    maxLength: protocol.spec.maxLength,
  });
}
