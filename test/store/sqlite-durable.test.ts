/**
 * SQLite's durable commits off the event loop (docs/performance.md): a caller is released only after
 * an fsync that began after its commit; the serving connection commits at NORMAL and a worker
 * checkpoints. SQLite only: PostgreSQL's commits are durable on the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/connect.js';
import { FALLBACK_CHECKPOINT_PAGES, WalSync } from '../../src/store/sqlite-durable.js';
import { createTestApp } from '../helpers/apps.js';

/** A WalSync whose fsyncs finish when the test says so. */
class HeldSync extends WalSync {
  readonly started: (() => void)[] = [];
  protected override fsync(): Promise<void> {
    return new Promise((resolve) => this.started.push(resolve));
  }
}

test('sqlite: a caller waits for an fsync begun after its commit; one fsync serves every commit made while the last ran', async () => {
  const wal = new HeldSync('/nonexistent-wal', '/nonexistent');
  assert.equal(wal.settled(), undefined, 'nothing committed, nothing to wait for');
  wal.committed();
  const first = wal.settled();
  assert.ok(first);
  assert.equal(wal.started.length, 1);
  // Committed while that fsync runs: it may not have reached the disk in it.
  wal.committed();
  let secondDone = false;
  const second = wal.settled()?.then(() => (secondDone = true));
  wal.committed();
  const third = wal.settled();
  assert.equal(wal.started.length, 1, 'the next fsync waits for the running one');
  wal.started[0]?.();
  await first;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(secondDone, false, 'released by the fsync that began before its commit');
  assert.equal(wal.started.length, 2, 'one more fsync, shared');
  wal.started[1]?.();
  await Promise.all([second, third]);
  assert.equal(secondDone, true);
  assert.equal(wal.settled(), undefined, 'everything durable');
});

test('sqlite: the default (FULL) commits at NORMAL with the WAL synced after, and every commit survives a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-durable-'));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  try {
    const handle = await openDatabase(url);
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`PRAGMA ${name}`).execute(handle.db)).rows[0] as object)[0] as number;
    assert.equal(await pragma('synchronous'), 1, 'NORMAL: the WAL is synced off the event loop');
    assert.equal(await pragma('wal_autocheckpoint'), FALLBACK_CHECKPOINT_PAGES);
    const app = await createTestApp(handle.db, 'durable');
    // Transactions and autocommit writes side by side, as the group commits and the console do.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? handle.db.transaction().execute((tx) =>
              tx
                .updateTable('apps')
                .set((eb) => ({ balance: eb('balance', '+', 1) }))
                .where('id', '=', app.id)
                .execute(),
            )
          : handle.db
              .updateTable('apps')
              .set((eb) => ({ balance: eb('balance', '+', 1) }))
              .where('id', '=', app.id)
              .execute(),
      ),
    );
    const before = await handle.db
      .selectFrom('apps')
      .select('balance')
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    await handle.close();
    const again = await openDatabase(url);
    try {
      const after = await again.db
        .selectFrom('apps')
        .select('balance')
        .where('id', '=', app.id)
        .executeTakeFirstOrThrow();
      assert.equal(after.balance, before.balance);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
