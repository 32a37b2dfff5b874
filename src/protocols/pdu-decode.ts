/**
 * A captured PDU as JSON for an operator (`sms12333 pdu decode`): the specification's field names in
 * wire order, lengths included, bigint as decimal text, Buffers as hex, message content decoded by
 * its coding (after its UDH) and a status report's content decoded as the report. Back-to-back PDUs
 * in one capture come out as an array. Each protocol describes its own PDUs.
 */
import type { PduDecodeResult } from './codec/pdu-json.js';
import { decodeCmppHex } from './cmpp/describe-pdu.js';
import { decodeSgipHex } from './sgip/describe-pdu.js';
import { decodeSmgpHex } from './smgp/describe-pdu.js';
import { decodeSmppHex } from './smpp/describe-pdu.js';

export type { PduDecodeError, PduDecodeResult } from './codec/pdu-json.js';

const DECODERS: Readonly<Record<string, (bytes: Buffer) => PduDecodeResult>> = {
  cmpp2: (bytes) => decodeCmppHex('cmpp2', bytes),
  cmpp3: (bytes) => decodeCmppHex('cmpp3', bytes),
  sgip: decodeSgipHex,
  smgp: decodeSmgpHex,
  smpp: decodeSmppHex,
};

export const PDU_PROTOCOLS = Object.keys(DECODERS);

export function decodePduHex(protocol: string, hex: string): PduDecodeResult {
  const clean = hex.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) {
    return { ok: false, error: { code: 'BAD_HEX', message: 'expected an even number of hex digits' } };
  }
  const decode = DECODERS[protocol];
  if (!decode) {
    return {
      ok: false,
      error: {
        code: 'UNSUPPORTED_PROTOCOL',
        message: `pdu decode supports ${PDU_PROTOCOLS.join(', ')}, not ${protocol}`,
      },
    };
  }
  return decode(Buffer.from(clean, 'hex'));
}
