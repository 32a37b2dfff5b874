import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/load.js';
import { isAppError } from '../../src/shared/errors.js';
import {
  createPersonalDataCipher,
  defaultDataKeyFile,
  loadPersonalDataCipher,
  tokenKeyId,
} from '../../src/security/personal-data.js';

const KEY = Buffer.alloc(32, 7);

test('encrypt and decrypt round-trip any text; each token has a fresh IV', () => {
  const cipher = createPersonalDataCipher(KEY);
  for (const plain of ['21010219780416107X', '阿依古丽·买买提', '', '𠮷野家 😀'])
    assert.equal(cipher.decrypt(cipher.encrypt(plain)), plain);
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      (s) => cipher.decrypt(cipher.encrypt(s)) === s,
    ),
  );
  const a = cipher.encrypt('张伟');
  const b = cipher.encrypt('张伟');
  assert.notEqual(a, b, 'the same value twice gives two tokens');
  assert.match(a, /^pd1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
  assert.equal(tokenKeyId(a), cipher.keyId);
  assert.ok(!a.includes('张伟'));
  const ivs = new Set(Array.from({ length: 200 }, () => cipher.encrypt('x').split('.')[2]!.slice(0, 16)));
  assert.equal(ivs.size, 200);
});

function expectDecryptError(fn: () => unknown): void {
  assert.throws(fn, (err) => isAppError(err, 'ERR_DATA_DECRYPT'));
}

test('a token altered anywhere, relabelled, cut short or opened with another key is refused', () => {
  const cipher = createPersonalDataCipher(KEY);
  const token = cipher.encrypt('210102196503120106');
  const [version, id, body] = token.split('.') as [string, string, string];
  const raw = Buffer.from(body, 'base64url');
  for (let i = 0; i < raw.length; i += 1) {
    const bad = Buffer.from(raw);
    bad[i] = bad[i]! ^ 0x01;
    expectDecryptError(() => cipher.decrypt(`${version}.${id}.${bad.toString('base64url')}`));
  }
  expectDecryptError(() =>
    cipher.decrypt(`${version}.${id}.${raw.subarray(0, raw.length - 1).toString('base64url')}`),
  );
  expectDecryptError(() => cipher.decrypt(`${version}.${id}.${raw.subarray(0, 20).toString('base64url')}`));
  expectDecryptError(() => cipher.decrypt(`${version}.deadbeef.${body}`));
  expectDecryptError(() => cipher.decrypt(`pd2.${id}.${body}`));
  expectDecryptError(() => cipher.decrypt('210102196503120106'));
  const other = createPersonalDataCipher(Buffer.alloc(32, 8));
  assert.notEqual(other.keyId, cipher.keyId);
  expectDecryptError(() => other.decrypt(token));
  assert.throws(
    () => createPersonalDataCipher(Buffer.alloc(16)),
    (err) => isAppError(err, 'ERR_DATA_KEY'),
  );
});

test('the lookup hash is stable, keyed and taken of the canonical SSN', () => {
  const a = createPersonalDataCipher(KEY);
  const again = createPersonalDataCipher(Buffer.from(KEY));
  const other = createPersonalDataCipher(Buffer.alloc(32, 8));
  const ssn = '21010219780416107X';
  const hash = a.lookupHash(ssn);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(again.lookupHash(ssn), hash, 'same key, same hash (another process finds the row)');
  assert.equal(a.lookupHash(' 21010219780416107x '), hash, 'x and surrounding spaces do not matter');
  assert.notEqual(other.lookupHash(ssn), hash, 'another key, another hash');
  assert.notEqual(a.lookupHash('210102196503120106'), hash);
  assert.notEqual(
    hash,
    createHash('sha256').update(ssn).digest('hex'),
    'not a plain hash anyone could compute',
  );
});

test('the key comes from security.dataKey, or from a key file created once with mode 0600', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbUrl = `sqlite:${join(dir, 'db', 'sms12333.db')}`;
  assert.equal(defaultDataKeyFile(dbUrl), join(dir, 'db', 'data.key'));
  assert.equal(defaultDataKeyFile('postgres://u@h/db'), './data/data.key');

  const settings = { security: { dataKey: '', dataKeyFile: '' }, database: { url: dbUrl } };
  const first = loadPersonalDataCipher(settings);
  const file = join(dir, 'db', 'data.key');
  assert.equal(first.keyFileCreated, file);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
  const second = loadPersonalDataCipher(settings);
  assert.equal(second.keyFileCreated, null, 'created once');
  assert.equal(second.cipher.keyId, first.cipher.keyId);
  assert.equal(second.cipher.decrypt(first.cipher.encrypt('王芳')), '王芳');

  const inline = randomBytes(32).toString('base64');
  const fromConfig = loadPersonalDataCipher({ ...settings, security: { dataKey: inline, dataKeyFile: '' } });
  assert.equal(fromConfig.keyFileCreated, null);
  assert.equal(fromConfig.cipher.keyId, createPersonalDataCipher(Buffer.from(inline, 'base64')).keyId);

  const viaEnv = loadConfig({ env: { SMS12333_SECURITY_DATA_KEY: inline, SMS12333_DATABASE_URL: dbUrl } });
  assert.equal(viaEnv.security.dataKey, inline, 'the key can come from the environment');
  assert.equal(loadPersonalDataCipher(viaEnv).cipher.keyId, fromConfig.cipher.keyId);

  const explicit = join(dir, 'elsewhere', 'my.key');
  const made = loadPersonalDataCipher({ ...settings, security: { dataKey: '', dataKeyFile: explicit } });
  assert.equal(made.keyFileCreated, explicit);
  assert.notEqual(made.cipher.keyId, first.cipher.keyId);

  writeFileSync(explicit, 'not a key\n');
  assert.throws(
    () => loadPersonalDataCipher({ ...settings, security: { dataKey: '', dataKeyFile: explicit } }),
    (err) => isAppError(err, 'ERR_DATA_KEY'),
  );
});
