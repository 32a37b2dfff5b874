/**
 * The SFTP batch interface's records (store/sftp.ts, docs/sftp.md) on SQLite and PostgreSQL: a file is
 * taken once by account, name and content, a repeat counted; its messages are listed when it is admitted, and it is
 * ready for its report only when every one of them is final.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FINAL_STATUSES } from '../../src/domain/status.js';
import { IdAllocator } from '../../src/store/ids.js';
import {
  admitSftpFile,
  getSftpCredentials,
  markSftpReported,
  noteSftpRepeat,
  pendingSftpMessages,
  recentSftpFiles,
  rejectSftpFile,
  setSftpCredentials,
  sftpFilesIn,
  sftpReportRows,
  takeSftpFile,
} from '../../src/store/sftp.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: SFTP credentials, files taken once, reports when every message is final`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const { db } = store;
    const ids = new IdAllocator(db, 10);
    const app = await createTestApp(db, 'hrss');
    const other = await createTestApp(db, 'hr2');

    assert.deepEqual(await getSftpCredentials(db, app.id), { publicKeys: [], passwordHash: null });
    await setSftpCredentials(db, app.id, { publicKeys: ['ssh-ed25519 AAAA one', 'ssh-ed25519 BBBB two'] }, 1);
    await setSftpCredentials(db, app.id, { passwordHash: 'hash' }, 2);
    assert.deepEqual(await getSftpCredentials(db, app.id), {
      publicKeys: ['ssh-ed25519 AAAA one', 'ssh-ed25519 BBBB two'],
      passwordHash: 'hash',
    });
    await setSftpCredentials(db, app.id, { publicKeys: [], passwordHash: null }, 3);
    assert.deepEqual(await getSftpCredentials(db, app.id), { publicKeys: [], passwordHash: null });

    const file = { appId: app.id, name: 'a.csv', sha256: 'f'.repeat(64), bytes: 10 };
    const first = await takeSftpFile(db, ids, file, 100);
    assert.equal(first.taken, true);
    assert.equal(first.file.status, 'processing');
    const again = await takeSftpFile(db, ids, file, 200);
    assert.equal(again.taken, false);
    assert.equal(again.file.id, first.file.id);
    // Another content under the same name, or the same file of another account, is a new file.
    assert.equal((await takeSftpFile(db, ids, { ...file, sha256: 'e'.repeat(64) }, 300)).taken, true);
    assert.equal((await takeSftpFile(db, ids, { ...file, appId: other.id }, 300)).taken, true);

    const bad = await takeSftpFile(db, ids, { ...file, name: 'bad.csv' }, 400);
    await rejectSftpFile(db, bad.file.id, '第 3 行无法读取', 450);
    assert.deepEqual(
      (await sftpFilesIn(db, 'rejected')).map((f) => [f.name, f.error, f.rejectedAt]),
      [['bad.csv', '第 3 行无法读取', 450]],
    );
    // The same file again is counted, for the console's activity.
    await noteSftpRepeat(db, bad.file.id, 500);
    await noteSftpRepeat(db, bad.file.id, 600);
    const [repeated] = await recentSftpFiles(db, app.id, 1);
    assert.deepEqual([repeated?.name, repeated?.repeats, repeated?.repeatedAt], ['bad.csv', 2, 600]);

    const message = (id: number, mobile: string, status: string) => ({
      id,
      batch_id: id,
      app_id: app.id,
      mobile,
      carrier: 'cmcc',
      status,
      segments: 1,
      charged: 1,
      not_before: 0,
      valid_until: null,
      created_at: 0,
      lease_owner: null,
      lease_until: null,
      gateway_id: null,
      submitted_at: null,
      deadline_at: null,
      done_at: status === 'DELIVERED' ? 5000 : null,
      stat: status === 'DELIVERED' ? 'DELIVRD' : null,
      error: null,
    });
    await db
      .insertInto('messages')
      .values([message(9001, '13800138000', 'DELIVERED'), message(9002, '13900139000', 'SUBMITTED')])
      .execute();
    await admitSftpFile(
      db,
      first.file.id,
      {
        rows: 3,
        accepted: 2,
        messages: [
          { messageId: 9002, line: 4 },
          { messageId: 9001, line: 2 },
        ],
      },
      500,
    );
    // Admitting again (a restart that replays the file) lists the same messages once.
    await admitSftpFile(
      db,
      first.file.id,
      {
        rows: 3,
        accepted: 2,
        messages: [
          { messageId: 9002, line: 4 },
          { messageId: 9001, line: 2 },
        ],
      },
      600,
    );
    const admitted = await sftpFilesIn(db, 'admitted');
    assert.deepEqual(
      admitted.map((f) => [f.id, f.rows, f.accepted]),
      [[first.file.id, 3, 2]],
    );
    assert.equal(await pendingSftpMessages(db, first.file.id, FINAL_STATUSES), 1);
    await db
      .updateTable('messages')
      .set({ status: 'FAILED', stat: 'UNDELIV', done_at: 6000 })
      .where('id', '=', 9002)
      .execute();
    assert.equal(await pendingSftpMessages(db, first.file.id, FINAL_STATUSES), 0);
    assert.deepEqual(await sftpReportRows(db, first.file.id), [
      { line: 2, msgId: 9001, mobile: '13800138000', status: 'DELIVERED', stat: 'DELIVRD', doneAt: 5000 },
      { line: 4, msgId: 9002, mobile: '13900139000', status: 'FAILED', stat: 'UNDELIV', doneAt: 6000 },
    ]);
    await markSftpReported(db, first.file.id, 7000);
    assert.deepEqual(await sftpFilesIn(db, 'admitted'), []);
    assert.equal((await sftpFilesIn(db, 'reported'))[0]?.id, first.file.id);
  });
}
