/**
 * An account's SFTP logins from the command line (docs/sftp.md): `app add --sftp-key` and `app sftp`
 * add, replace and clear public keys and set or clear the SFTP password; a file that is not a public
 * key is refused and changes nothing; every change is audited as actor `cli`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApp } from '../../src/cli/app.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { findAppByName } from '../../src/store/apps.js';
import { openDatabase } from '../../src/store/connect.js';
import { getSftpCredentials } from '../../src/store/sftp.js';
import { createTestApp } from '../helpers/apps.js';
import { createTestDatabase } from '../helpers/databases.js';

test('sqlite: app add --sftp-key and app sftp set the SFTP logins, audited', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-app-sftp-'));
  const target = await createTestDatabase('sqlite');
  const saved = process.env.SMS12333_DATABASE_URL;
  process.env.SMS12333_DATABASE_URL = target.url;
  const handle = await openDatabase(target.url);
  t.after(async () => {
    if (saved === undefined) delete process.env.SMS12333_DATABASE_URL;
    else process.env.SMS12333_DATABASE_URL = saved;
    await handle.close();
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const keys = ['a', 'b'].map((name) => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
    return { file: `${join(dir, name)}.pub`, line: readFileSync(`${join(dir, name)}.pub`, 'utf8').trim() };
  });
  const [a, b] = keys as [(typeof keys)[0], (typeof keys)[0]];
  const out = {
    text: '',
    write(s: string) {
      this.text += s;
    },
  };

  await runApp(['add', '--name', 'yibao', '--password', 'Str0ng-Pass', '--sftp-key', a.file], out);
  const app = await findAppByName(handle.db, 'yibao');
  assert.ok(app);
  assert.deepEqual((await getSftpCredentials(handle.db, app.id)).publicKeys, [a.line]);

  await runApp(['sftp', '--name', 'yibao', '--key', b.file, '--password', 'Sftp-Pass-1'], out);
  let creds = await getSftpCredentials(handle.db, app.id);
  assert.deepEqual(creds.publicKeys, [a.line, b.line]);
  assert.ok(creds.passwordHash && (await verifyPassword(creds.passwordHash, 'Sftp-Pass-1')));

  // A private key, or any other file, is refused and changes nothing.
  await assert.rejects(runApp(['sftp', '--name', 'yibao', '--key', join(dir, 'a'), '--replace-keys'], out), {
    code: 'ERR_INPUT_INVALID',
  });
  writeFileSync(join(dir, 'junk.pub'), 'not a key\n');
  await assert.rejects(runApp(['sftp', '--name', 'yibao', '--key', join(dir, 'junk.pub')], out), {
    code: 'ERR_INPUT_INVALID',
  });
  assert.deepEqual((await getSftpCredentials(handle.db, app.id)).publicKeys, [a.line, b.line]);

  await runApp(['sftp', '--name', 'yibao', '--key', b.file, '--replace-keys'], out);
  assert.deepEqual((await getSftpCredentials(handle.db, app.id)).publicKeys, [b.line]);
  await runApp(['sftp', '--name', 'yibao', '--clear-keys', '--clear-password'], out);
  creds = await getSftpCredentials(handle.db, app.id);
  assert.deepEqual(creds, { publicKeys: [], passwordHash: null });
  await createTestApp(handle.db, 'other');
  await assert.rejects(runApp(['sftp', '--name', 'nobody', '--clear-keys'], out), {
    code: 'ERR_APP_NOT_FOUND',
  });

  const audit = await handle.db
    .selectFrom('audit_log')
    .select(['actor', 'action', 'target', 'detail'])
    .where('action', '=', 'app.sftp')
    .orderBy('seq')
    .execute();
  assert.equal(audit.length, 4);
  assert.ok(audit.every((e) => e.actor === 'cli' && e.target === 'yibao'));
  for (const e of audit) {
    assert.doesNotMatch(e.detail, /ssh-ed25519|Sftp-Pass-1|argon2/);
  }
});
