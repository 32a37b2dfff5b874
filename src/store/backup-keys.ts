/**
 * The age keys backups are encrypted to (docs/deploy.md "Custody of the keys"), in the files the
 * `age-keygen` tool writes and reads: a recipients file of `age1…` public keys, an identity file of
 * `AGE-SECRET-KEY-1…` secret keys, `#` comments and blank lines allowed in both. The public key
 * may sit on the platform's machine; the identity belongs elsewhere — only a restore needs it.
 */
import { readFileSync } from 'node:fs';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { AppError } from '../shared/errors.js';

function keyLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('ERR_BACKUP_KEY', `${file}: ${(err as Error).message}`, { cause: err });
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function readRecipients(file: string): string[] {
  const keys = keyLines(file);
  if (keys.length === 0 || !keys.every((k) => /^age1[0-9a-z]+$/.test(k)))
    throw new AppError('ERR_BACKUP_KEY', `${file}: expected age public keys (age1…), one a line`);
  return keys;
}

export function readIdentities(file: string): string[] {
  const keys = keyLines(file);
  if (keys.length === 0 || !keys.every((k) => /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(k)))
    throw new AppError('ERR_BACKUP_KEY', `${file}: expected age secret keys (AGE-SECRET-KEY-1…)`);
  return keys;
}

/** A new key pair as age-keygen writes it: the identity file's text and the public key. */
export async function generateBackupKey(now: Date): Promise<{ identityText: string; recipient: string }> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  return {
    identityText: `# created: ${now.toISOString()}\n# public key: ${recipient}\n${identity}\n`,
    recipient,
  };
}
