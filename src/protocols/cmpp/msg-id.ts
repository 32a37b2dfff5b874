/**
 * CMPP Msg_Id, a 64-bit number the ISMG packs (2.0 §7.4.3.1 / 3.0 §8.4.3.1; docs/protocols.md §1.6):
 * month 4 bits | day 5 | hour 5 | minute 6 | second 6 | ISMG code 22 | sequence 16, high to low.
 * For matching it is opaque; the platform names it by its decimal text.
 */
import { AppError } from '../../shared/errors.js';

export interface CmppMsgIdFields {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  gatewayId: number;
  sequence: number;
}

/** Bit widths from the least significant end: sequence first. */
const LAYOUT = [
  ['sequence', 16],
  ['gatewayId', 22],
  ['second', 6],
  ['minute', 6],
  ['hour', 5],
  ['day', 5],
  ['month', 4],
] as const satisfies readonly (readonly [keyof CmppMsgIdFields, number])[];

export function composeCmppMsgId(f: CmppMsgIdFields): bigint {
  let id = 0n;
  let shift = 0n;
  for (const [name, bits] of LAYOUT) {
    const v = f[name];
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) {
      throw new AppError('ERR_PROTOCOL_ENCODE', `Msg_Id ${name} must fit ${bits} bits, got ${v}`);
    }
    id |= BigInt(v) << shift;
    shift += BigInt(bits);
  }
  return id;
}

export function parseCmppMsgId(id: bigint): CmppMsgIdFields {
  const out: CmppMsgIdFields = { month: 0, day: 0, hour: 0, minute: 0, second: 0, gatewayId: 0, sequence: 0 };
  let rest = BigInt.asUintN(64, id);
  for (const [name, bits] of LAYOUT) {
    out[name] = Number(rest & ((1n << BigInt(bits)) - 1n));
    rest >>= BigInt(bits);
  }
  return out;
}

/** The carrierMsgId string the platform stores and matches reports by: the decimal uint64. */
export function cmppMsgIdText(id: bigint): string {
  return BigInt.asUintN(64, id).toString(10);
}
