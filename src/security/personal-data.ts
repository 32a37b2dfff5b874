/**
 * Personal data at rest (docs/design.md §5 "Social security number": stored encrypted, looked up by keyed
 * hash). One 32-byte master key; HKDF-SHA256 derives from it
 *
 * - an AES-256-GCM key: every value gets a fresh 12-byte IV, and the token is
 *   `pd1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>` — version, then the id of the master key it was
 *   sealed with, so a wrong key is told apart from tampering and a later key rotation can find old
 *   tokens;
 * - an HMAC-SHA256 key for the lookup hash of a canonical SSN (64 hex characters), so a row is found
 *   by SSN without decrypting anything and the table alone reveals no SSN.
 *
 * The master key comes from `security.dataKey` (base64, e.g. from SMS12333_SECURITY_DATA_KEY) or
 * from a key file created once with mode 0600 — beside the SQLite database by default. Losing the
 * key loses the encrypted data: back it up apart from the database.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../shared/errors.js';
import { keepPrivate } from '../store/file-modes.js';

export interface PersonalDataCipher {
  /** Eight hex characters naming the master key (not secret: an HMAC of it). */
  readonly keyId: string;
  /** Seals a value: a new random IV every call, so equal values give different tokens. */
  encrypt(plain: string): string;
  /** Opens a token; AppError ERR_DATA_DECRYPT if it was altered or sealed with another key. */
  decrypt(token: string): string;
  /** Keyed hash of the canonical SSN (trimmed, `x` upper-cased): 64 hex characters. */
  lookupHash(ssn: string): string;
}

const VERSION = 'pd1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const SALT = Buffer.from('sms12333 personal data', 'utf8');

/** The form of an SSN that is hashed; callers validate the number first. */
export function canonicalSsn(ssn: string): string {
  return ssn.trim().toUpperCase();
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, SALT, Buffer.from(info, 'utf8'), KEY_BYTES));
}

export function createPersonalDataCipher(masterKey: Buffer): PersonalDataCipher {
  if (masterKey.length !== KEY_BYTES)
    throw new AppError('ERR_DATA_KEY', `the key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  const encKey = derive(masterKey, `${VERSION} aes-256-gcm`);
  const macKey = derive(masterKey, `${VERSION} lookup hmac-sha256`);
  const keyId = createHmac('sha256', derive(masterKey, `${VERSION} key id`))
    .update('key id')
    .digest('hex')
    .slice(0, 8);
  const prefix = `${VERSION}.${keyId}.`;
  // The prefix is authenticated too, so a token cannot be relabelled.
  const aad = Buffer.from(prefix, 'utf8');

  return {
    keyId,
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return prefix + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    decrypt(token) {
      const [version, id, data, ...rest] = token.split('.');
      if (version !== VERSION || id === undefined || data === undefined || rest.length > 0)
        throw new AppError('ERR_DATA_DECRYPT', 'not a personal-data token');
      if (id !== keyId) throw new AppError('ERR_DATA_DECRYPT', `sealed with key ${id}, this is key ${keyId}`);
      const raw = Buffer.from(data, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new AppError('ERR_DATA_DECRYPT', 'token too short');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (err) {
        throw new AppError('ERR_DATA_DECRYPT', 'authentication tag mismatch', { cause: err });
      }
    },
    lookupHash(ssn) {
      return createHmac('sha256', macKey).update(canonicalSsn(ssn), 'utf8').digest('hex');
    },
  };
}

/** The key id a token names, or null for something that is not a token. */
export function tokenKeyId(token: string): string | null {
  const [version, id] = token.split('.');
  return version === VERSION && id !== undefined ? id : null;
}

export interface DataKeySettings {
  security: { dataKey: string; dataKeyFile: string };
  database: { url: string };
}

/** Where the key file lives when `security.dataKeyFile` is empty. */
export function defaultDataKeyFile(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== '' && path !== ':memory:') return join(dirname(resolve(path)), 'data.key');
  }
  return './data/data.key';
}

function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) || key.length !== KEY_BYTES)
    throw new AppError('ERR_DATA_KEY', `${where}: expected base64 of ${KEY_BYTES} bytes`);
  return key;
}

/**
 * Reads the key file, or creates it (32 random bytes, base64, mode 0600) if it does not exist.
 * `created` tells the caller to say so: the file must be backed up.
 */
export function readOrCreateKeyFile(file: string): { key: Buffer; created: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new AppError('ERR_DATA_KEY', `${file}: ${(err as Error).message}`, { cause: err });
    const fresh = randomBytes(KEY_BYTES);
    try {
      mkdirSync(dirname(file), { recursive: true });
      // 'wx': two processes starting at once must not each write their own key.
      writeFileSync(file, `${fresh.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return { key: fresh, created: true };
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKeyFile(file);
      throw new AppError('ERR_DATA_KEY', `${file}: ${(writeErr as Error).message}`, { cause: writeErr });
    }
  }
  return { key: parseKey(text, file), created: false };
}

/**
 * The cipher for this configuration: `security.dataKey` if set, else the key file. `keyFileCreated`
 * is the path of a key file made just now (print it once so the operator backs it up), else null.
 */
export function loadPersonalDataCipher(config: DataKeySettings): {
  cipher: PersonalDataCipher;
  keyFileCreated: string | null;
  /** The key file was readable by others and has been made 0600 (log it as a warning). */
  notices: string[];
} {
  if (config.security.dataKey !== '')
    return {
      cipher: createPersonalDataCipher(parseKey(config.security.dataKey, 'security.dataKey')),
      keyFileCreated: null,
      notices: [],
    };
  const file = config.security.dataKeyFile || defaultDataKeyFile(config.database.url);
  const { key, created } = readOrCreateKeyFile(file);
  const notice = keepPrivate(file, 0o600);
  return {
    cipher: createPersonalDataCipher(key),
    keyFileCreated: created ? file : null,
    notices: notice === null ? [] : [notice],
  };
}

/**
 * A purpose-bound key derived (HKDF, same salt) from the master key, for other modules that must
 * prove integrity with a secret kept apart from the database — the audit log's chain. `purpose`
 * must differ from the labels above.
 */
export function deriveDataSubkey(masterKey: Buffer, purpose: string): Buffer {
  if (masterKey.length !== KEY_BYTES)
    throw new AppError('ERR_DATA_KEY', `the key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  return derive(masterKey, purpose);
}

/**
 * The master key for this configuration without making one: `security.dataKey`, else the key
 * file, which must exist (a checker such as `audit verify` must not invent a new key).
 */
export function readDataMasterKey(config: DataKeySettings): Buffer {
  if (config.security.dataKey !== '') return parseKey(config.security.dataKey, 'security.dataKey');
  const file = config.security.dataKeyFile || defaultDataKeyFile(config.database.url);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('ERR_DATA_KEY', `${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseKey(text, file);
}
