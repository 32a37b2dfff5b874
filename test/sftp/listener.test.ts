/**
 * The SFTP listener on its own (docs/sftp.md), driven by ssh2's client: the SFTP password logs in and a
 * wrong one does not; the file quota and the byte quota refuse the write that would pass them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { setSftpCredentials } from '../../src/store/sftp.js';
import { createTestApp, TEST_PASSWORD, TEST_PASSWORD_HASH } from '../helpers/apps.js';
import { openTestStore } from '../helpers/databases.js';
import { openTestListener } from '../helpers/sftp.js';

function connect(port: number, password: string): Promise<{ sftp: SFTPWrapper; end(): void }> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.sftp((err, sftp) => {
        if (err) reject(err);
        else resolve({ sftp, end: () => client.end() });
      });
    });
    client.connect({ host: '127.0.0.1', port, username: 'hrss', password, readyTimeout: 10_000 });
  });
}

const write = (sftp: SFTPWrapper, path: string, data: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    sftp.writeFile(path, data, (err) => (err ? reject(err) : resolve()));
  });

test('sqlite: SFTP password login, and the file and byte quotas', async (t) => {
  const store = await openTestStore('sqlite');
  const app = await createTestApp(store.db, 'hrss');
  await setSftpCredentials(store.db, app.id, { passwordHash: TEST_PASSWORD_HASH }, Date.now());
  const listener = await openTestListener(store.db, { quotaBytes: 4096, quotaFiles: 2 });
  const { port } = listener;
  t.after(async () => {
    await listener.close();
    await store.drop();
  });

  await assert.rejects(connect(port, 'wrong-password'), /authentication/i);
  const session = await connect(port, TEST_PASSWORD);
  t.after(() => session.end());
  const { sftp } = session;

  const names = await new Promise<string[]>((resolve, reject) => {
    sftp.readdir('/', (err, list) => (err ? reject(err) : resolve(list.map((e) => e.filename).sort())));
  });
  assert.deepEqual(names, ['inbox', 'outbox']);

  await write(sftp, 'inbox/one.csv.part', Buffer.alloc(1000, 0x61));
  // Past the byte quota (4096 with the 1000 already kept): this write fails.
  await assert.rejects(write(sftp, 'inbox/two.csv.part', Buffer.alloc(3500, 0x62)), /quota/);
  await write(sftp, 'inbox/two.csv.part', Buffer.alloc(100, 0x62));
  // Two files kept: a third is refused.
  await assert.rejects(write(sftp, 'inbox/three.csv.part', Buffer.alloc(10, 0x63)), /quota|denied/i);
  // The outbox is the platform's to write.
  await assert.rejects(write(sftp, 'outbox/mine.csv', Buffer.alloc(10, 0x63)), /read-only|denied/i);
});
