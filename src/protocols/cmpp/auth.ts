/**
 * CMPP_CONNECT authentication (2.0 §7.4.1 / 3.0 §8.4.1; docs/protocols.md §1.3) and its Beijing timestamp.
 */
import { createHash } from 'node:crypto';
import { formatBeijing } from '../../domain/beijing-time.js';
import { encodeStruct } from '../codec/struct.js';
import type { CmppVersion } from './codec.js';
import type { ServerAuthenticatorStyle } from '../simulator/types.js';
import { CMPP_PROTOCOLS } from './tables.js';

const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();

/** AuthenticatorSource = MD5(Source_Addr ‖ 9 × 0x00 ‖ shared secret ‖ timestamp "MMDDHHMMSS"). */
export function cmppAuthenticatorSource(sourceAddr: string, secret: string, timestamp: string): Buffer {
  return md5(
    Buffer.from(sourceAddr, 'latin1'),
    Buffer.alloc(9),
    Buffer.from(secret, 'utf8'),
    Buffer.from(timestamp, 'latin1'),
  );
}

/**
 * AuthenticatorISMG = MD5(Status ‖ AuthenticatorSource ‖ shared secret), Status in its wire width
 * (1 octet in 2.0, 4 in 3.0): the width comes from the version's CONNECT_RESP table.
 */
export function cmppAuthenticatorIsmg(
  version: CmppVersion,
  status: number,
  authenticatorSource: Buffer,
  secret: string,
): Buffer {
  const statusField = CMPP_PROTOCOLS[version].spec.commands.CMPP_CONNECT_RESP.body[0];
  return md5(encodeStruct([statusField], { status }), authenticatorSource, Buffer.from(secret, 'utf8'));
}

/** The CONNECT Timestamp: Beijing wall clock as "MMDDHHMMSS" and as the integer the field carries. */
export function cmppTimestamp(epochMs: number): { text: string; value: number } {
  const text = formatBeijing(epochMs, 'MMddHHmmss');
  return { text, value: Number(text) };
}

/**
 * The server authenticator as deployed ISMGs compute it (docs/protocols.md §9 item 12), for the
 * simulator: `spec` as above; `status-only` MD5 of the status alone; `fixed` a constant; and
 * `one-octet-status` the 2.0 width of the status on a 3.0 link.
 */
export function cmppAuthenticatorIsmgAs(
  style: ServerAuthenticatorStyle,
  version: CmppVersion,
  status: number,
  authenticatorSource: Buffer,
  secret: string,
): Buffer {
  switch (style) {
    case 'spec':
      return cmppAuthenticatorIsmg(version, status, authenticatorSource, secret);
    case 'status-only':
      return md5(encodeStruct([CMPP_PROTOCOLS[version].spec.commands.CMPP_CONNECT_RESP.body[0]], { status }));
    case 'fixed':
      return Buffer.from(FIXED_AUTHENTICATOR, 'latin1');
    case 'one-octet-status':
      return cmppAuthenticatorIsmg('cmpp2', status, authenticatorSource, secret);
  }
}

/** 16 octets some gateways send whatever the login. */
export const FIXED_AUTHENTICATOR = '0000000000000000';
