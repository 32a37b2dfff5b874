/**
 * OpenSSH public keys as accounts register them for SFTP (docs/sftp.md): one `authorized_keys` line
 * (`ssh-ed25519 AAAA… comment`) is accepted when ssh2 reads it as a public key; a private key or any
 * other text is not.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

export function parsePublicKey(line: string): { algo: string; blob: Buffer } | null {
  const parsed = ssh2.utils.parseKey(line.trim());
  const key = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  if (key instanceof Error || key === undefined) return null;
  const k = key as ssh2.ParsedKey;
  if (k.isPrivateKey()) return null;
  return { algo: k.type, blob: k.getPublicSSH() };
}

/** What the console shows of a registered key: its type, `SHA256:…` fingerprint and comment. */
export function describePublicKey(
  line: string,
): { algo: string; fingerprint: string; comment: string } | null {
  const key = parsePublicKey(line);
  if (!key) return null;
  const digest = createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '');
  return {
    algo: key.algo,
    fingerprint: `SHA256:${digest}`,
    comment: line.trim().split(/\s+/).slice(2).join(' '),
  };
}
