/**
 * SMGP Login authentication (SMGP V3.0.3 §5.2.2.1, §6.2.2–§6.2.4; protocols docs/protocols.md §3.3).
 */
import { createHash } from 'node:crypto';
import { formatBeijing } from '../../domain/beijing-time.js';
import type { ServerAuthenticatorStyle } from '../simulator/types.js';

const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();

/**
 * AuthenticatorClient = MD5(ClientID ‖ 7 × 0x00 ‖ shared secret ‖ TimeStamp as "MMDDHHMMSS").
 * The timestamp is the TimeStamp field's value written as 10 digits, zero-padded on the left.
 */
export function smgpAuthenticatorClient(clientId: string, secret: string, timestamp: string): Buffer {
  return md5(
    Buffer.from(clientId, 'latin1'),
    Buffer.alloc(7),
    Buffer.from(secret, 'utf8'),
    Buffer.from(timestamp, 'latin1'),
  );
}

/** AuthenticatorServer = MD5(Status as 4 octets big-endian ‖ AuthenticatorClient ‖ shared secret). */
export function smgpAuthenticatorServer(status: number, authenticatorClient: Buffer, secret: string): Buffer {
  const statusOctets = Buffer.alloc(4);
  statusOctets.writeUInt32BE(status >>> 0);
  return md5(statusOctets, authenticatorClient, Buffer.from(secret, 'utf8'));
}

/**
 * The server authenticator as deployed SMGWs compute it (docs/protocols.md §9 item 12), for the
 * simulator: `spec` as above; `status-only` MD5 of the 4-octet status alone; `fixed` a constant;
 * `one-octet-status` the status as one octet.
 */
export function smgpAuthenticatorServerAs(
  style: ServerAuthenticatorStyle,
  status: number,
  authenticatorClient: Buffer,
  secret: string,
): Buffer {
  switch (style) {
    case 'spec':
      return smgpAuthenticatorServer(status, authenticatorClient, secret);
    case 'status-only': {
      const statusOctets = Buffer.alloc(4);
      statusOctets.writeUInt32BE(status >>> 0);
      return md5(statusOctets);
    }
    case 'fixed':
      return Buffer.from('0000000000000000', 'latin1');
    case 'one-octet-status':
      return md5(Buffer.of(status & 0xff), authenticatorClient, Buffer.from(secret, 'utf8'));
  }
}

/** The Login TimeStamp: Beijing wall clock as "MMDDHHMMSS" and as the integer the field carries. */
export function smgpTimestamp(epochMs: number): { text: string; value: number } {
  const text = formatBeijing(epochMs, 'MMddHHmmss');
  return { text, value: Number(text) };
}

/** The 10-digit string an AuthenticatorClient is computed over, from the TimeStamp field's value. */
export function smgpTimestampText(value: number): string {
  return String(value).padStart(10, '0');
}
