/** The hash-chained audit log (§8.1 c) on SQLite and PostgreSQL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AUDIT_RETENTION_MS,
  appendAudit,
  deriveAuditKey,
  pruneAudit,
  verifyAudit,
  type AuditEntry,
} from '../../src/audit/log.js';
import { isAppError } from '../../src/shared/errors.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const KEY = deriveAuditKey(randomBytes(32));
const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 10, 28, 12);

function entry(i: number): AuditEntry {
  return {
    kind: (['access', 'operation', 'data'] as const)[i % 3]!,
    actor: `user${i % 4}`,
    role: i % 5 === 0 ? null : 'operator',
    sourceIp: '10.0.0.7',
    action: i % 2 === 0 ? 'login' : 'template.approve',
    target: i % 3 === 0 ? null : `T${i}`,
    result: i % 7 === 0 ? 'denied' : 'ok',
    detail: { i, 说明: '测试' },
  };
}

async function fill(store: Parameters<typeof appendAudit>[0], n: number, at = NOW): Promise<void> {
  for (let i = 1; i <= n; i += 1) await appendAudit(store, KEY, entry(i), at + i);
}

for (const dialect of DIALECTS) {
  test(`${dialect}: sequential and 50 concurrent appends form one unbroken chain`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    assert.deepEqual(await verifyAudit(store, KEY), {
      ok: true,
      count: 0,
      firstSeq: 1,
      lastSeq: 0,
      lastHash: '',
    });
    await fill(store, 30);
    const parallel = await Promise.all(
      Array.from({ length: 50 }, (_, i) => appendAudit(store, KEY, entry(100 + i), NOW + 1000 + i)),
    );
    assert.deepEqual(
      parallel.map((r) => r.seq).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => 31 + i),
      'each concurrent append got its own seq',
    );
    const v = await verifyAudit(store, KEY, { pageSize: 7 });
    assert.equal(v.ok && v.count, 80);
    assert.equal(v.ok && v.lastSeq, 80);
    const wrongKey = await verifyAudit(store, deriveAuditKey(randomBytes(32)));
    assert.equal(wrongKey.ok, false, 'another key cannot vouch for the chain');
  });

  test(`${dialect}: a changed field, a relinked row and a deleted middle row break the chain at their seq`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    await fill(store, 40);
    const db = store.db;

    const original = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', 23)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('audit_log')
      .set({ detail: '{"i":23,"说明":"改过"}' })
      .where('seq', '=', 23)
      .execute();
    assert.deepEqual(await verifyAudit(store, KEY, { pageSize: 10 }), {
      ok: false,
      seq: 23,
      problem: 'changed',
      verified: 22,
    });
    await db.updateTable('audit_log').set({ detail: original.detail }).where('seq', '=', 23).execute();
    assert.equal((await verifyAudit(store, KEY)).ok, true, 'restoring the row restores the chain');

    const seven = await db.selectFrom('audit_log').selectAll().where('seq', '=', 7).executeTakeFirstOrThrow();
    await db.updateTable('audit_log').set({ result: 'ok', at: NOW }).where('seq', '=', 7).execute();
    assert.deepEqual(await verifyAudit(store, KEY), { ok: false, seq: 7, problem: 'changed', verified: 6 });
    await db
      .updateTable('audit_log')
      .set({ result: seven.result, at: seven.at })
      .where('seq', '=', 7)
      .execute();
    assert.equal((await verifyAudit(store, KEY)).ok, true);

    await db
      .updateTable('audit_log')
      .set({ prev_hash: 'f'.repeat(64) })
      .where('seq', '=', 31)
      .execute();
    assert.deepEqual(await verifyAudit(store, KEY), {
      ok: false,
      seq: 31,
      problem: 'relinked',
      verified: 30,
    });

    await db.deleteFrom('audit_log').where('seq', '=', 12).execute();
    assert.deepEqual(await verifyAudit(store, KEY, { pageSize: 5 }), {
      ok: false,
      seq: 12,
      problem: 'missing',
      verified: 11,
    });
  });

  test(`${dialect}: deleted tail entries are detected, and a rewound head is refused`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    await fill(store, 25);
    const db = store.db;
    await db.deleteFrom('audit_log').where('seq', '>', 21).execute();
    assert.deepEqual(await verifyAudit(store, KEY), {
      ok: false,
      seq: 22,
      problem: 'truncated',
      verified: 21,
    });

    // Rewinding the head to the new last row needs the key for its MAC.
    const last = await db.selectFrom('audit_log').selectAll().where('seq', '=', 21).executeTakeFirstOrThrow();
    await db.updateTable('audit_head').set({ last_seq: 21, last_hash: last.hash }).execute();
    assert.deepEqual(await verifyAudit(store, KEY), { ok: false, seq: 21, problem: 'head', verified: 0 });
    // Resetting it to the migration's initial state while rows remain.
    await db
      .updateTable('audit_head')
      .set({ last_seq: 0, last_hash: '', pruned_seq: 0, pruned_hash: '', mac: '' })
      .execute();
    assert.deepEqual(
      await verifyAudit(store, KEY),
      { ok: false, seq: 1, problem: 'beyond', verified: 0 },
      'the rows left beyond a reset head are reported',
    );
    // An append passes over them rather than failing on their seq, and verify names the fork.
    assert.equal((await appendAudit(store, KEY, entry(1))).seq, 22);
    assert.deepEqual(await verifyAudit(store, KEY), {
      ok: false,
      seq: 22,
      problem: 'relinked',
      verified: 21,
    });
    await db.updateTable('audit_head').set({ last_seq: 21, last_hash: last.hash, mac: 'x' }).execute();
    await assert.rejects(appendAudit(store, KEY, entry(1)), (err) => isAppError(err, 'ERR_AUDIT_TAMPERED'));
  });

  test(`${dialect}: pruning keeps 180 days and leaves a verifiable chain`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    // One entry a day for 300 days, oldest first.
    for (let d = 300; d >= 1; d -= 1) await appendAudit(store, KEY, entry(d), NOW - d * DAY);
    const removed = await pruneAudit(store, KEY, NOW, NOW);
    assert.equal(removed, 120, 'asked to prune everything, it keeps the last 180 days');
    const rest = await store.db.selectFrom('audit_log').select(['seq', 'at']).orderBy('seq').execute();
    assert.equal(rest.length, 180);
    assert.ok(rest.every((r) => r.at >= NOW - AUDIT_RETENTION_MS));
    assert.deepEqual(await verifyAudit(store, KEY, { pageSize: 50 }), {
      ok: true,
      count: 180,
      firstSeq: 121,
      lastSeq: 300,
      lastHash: (await store.db.selectFrom('audit_head').select('last_hash').executeTakeFirstOrThrow())
        .last_hash,
    });
    assert.equal(await pruneAudit(store, KEY, NOW - 250 * DAY, NOW), 0, 'nothing older than that is left');

    await appendAudit(store, KEY, entry(301), NOW + 1);
    assert.equal((await verifyAudit(store, KEY)).ok, true, 'appends continue after a prune');

    // Removing more of the start than the anchor allows is seen.
    await store.db.deleteFrom('audit_log').where('seq', '<=', 125).execute();
    assert.deepEqual(await verifyAudit(store, KEY), { ok: false, seq: 121, problem: 'missing', verified: 0 });
    await assert.rejects(pruneAudit(store, KEY, NOW, NOW + 400 * DAY), (err) =>
      isAppError(err, 'ERR_AUDIT_TAMPERED'),
    );
  });
}
