/**
 * Leases shared by several processes (docs/multinode.md): reclaim is one compare-and-set that never
 * takes a valid lease nor waits on a peer's locks, a reclaimed message keeps its place, and every
 * write of a claim's outcome names its lease token, so a writer that lost the lease changes nothing
 * (but its write is counted when the part goes out again).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { admitGroup } from '../../src/store/admission.js';
import { IdAllocator } from '../../src/store/ids.js';
import { claimMessages } from '../../src/store/outbox.js';
import { recordEvents, type OutcomeSettings, type PipelineEvents } from '../../src/store/outcomes.js';
import { partCopies } from '../../src/store/part-writes.js';
import { reclaimLeases } from '../../src/store/sweeps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { NO_EVENTS, OUTCOME_SETTINGS } from '../helpers/outcomes.js';
import { createTestApp } from '../helpers/apps.js';

type TestStore = Awaited<ReturnType<typeof openTestStore>>;

const NOW = Date.UTC(2026, 11, 7, 4, 0, 0);
const LEASE = 10_000;
const SETTINGS: OutcomeSettings = { ...OUTCOME_SETTINGS, maxAttempts: 5 };

/** `count` one-part messages for cmcc, queued at NOW; answers the id allocator. */
async function queueMessages(store: TestStore, count: number): Promise<IdAllocator> {
  const app = await createTestApp(store.db, 'a', { balance: 100 });
  const ids = new IdAllocator(store.db);
  const recipients = Array.from({ length: count }, (_, i) => ({
    mobile: `1380013800${i}`,
    carrier: 'cmcc' as const,
    segments: 1,
  }));
  const batch = { appId: app.id, clientMsgId: null, signature: '【人社局】', content: 'x', srcExt: '' };
  await admitGroup(
    store.db,
    store.caps,
    ids,
    [{ ...batch, islong: false, category: 'notice', sendAt: null, recipients }],
    NOW,
  );
  return ids;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: reclaim takes only lapsed or dead leases, keeps queue order, and late writers are fenced`, async () => {
    const store = await openTestStore(dialect);
    try {
      const ids = await queueMessages(store, 6);
      const claim = (owner: string, now: number, limit: number, lease = LEASE) =>
        claimMessages(store.db, store.caps, {
          owner,
          leaseUntil: now + lease,
          now,
          carriers: ['cmcc'],
          limit,
        });
      const record = (events: Partial<PipelineEvents>, at: number) =>
        recordEvents(store.db, store.caps, ids, { ...NO_EVENTS, ...events }, SETTINGS, at);
      const row = (id: number) =>
        store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

      const fromA = await claim('A', NOW + 100, 2); // lapses at NOW + 10100
      const fromB = await claim('B', NOW + 5000, 2); // valid until NOW + 15000
      const fromGone = await claim('gone', NOW + 5000, 2, 3_600_000);
      assert.equal(fromA.length + fromB.length + fromGone.length, 6);
      assert.ok(fromA.every((m) => m.epoch === 1));

      // B sweeps at NOW + 11000: A's lapsed leases and the dead owner's come back, B's own stay.
      const at = NOW + 11_000;
      const back = await reclaimLeases(store.db, store.caps, {
        now: at,
        deadOwners: ['gone'],
        self: 'B',
        ownGraceMs: LEASE,
      });
      assert.equal(back, 4);
      for (const m of fromB) assert.equal((await row(m.id)).status, 'SENDING');
      for (const m of [...fromA, ...fromGone]) {
        const r = await row(m.id);
        assert.equal(r.status, 'QUEUED');
        assert.equal(r.not_before, NOW, 'a reclaimed message keeps its place in the queue');
      }
      // B's own leases, lapsed meanwhile, are B's dispatcher's to release: its sweeper waits a grace.
      assert.equal(
        await reclaimLeases(store.db, store.caps, {
          now: NOW + 16_000,
          deadOwners: [],
          self: 'B',
          ownGraceMs: LEASE,
        }),
        0,
      );

      // C claims A's messages again, oldest first; then A (paused until now) reports its sends.
      const fromC = await claim('C', at, 4);
      assert.deepEqual(
        fromC.map((m) => m.id),
        [...fromA, ...fromGone].map((m) => m.id).sort((x, y) => x - y),
      );
      const first = fromA[0]!;
      assert.equal(fromC.find((m) => m.id === first.id)?.epoch, 2);
      const sent = (owner: string, epoch: number, carrierMsgId: string) => ({
        messageId: first.id,
        gatewayId: 'g1',
        owner,
        epoch,
        total: 1,
        accepted: [{ partNo: 1, total: 1, carrierMsgId }],
        failure: null,
      });
      await record({ submissions: [sent('A', 1, 'late-A')] }, at + 100);
      assert.equal((await row(first.id)).status, 'SENDING', 'a lost lease writes nothing');
      const parts = await store.db.selectFrom('message_parts').selectAll().execute();
      assert.equal(parts.length, 0, 'nor any part');
      // The same owner under an older epoch is fenced too (A claimed, lost and claimed again).
      await record({ releases: [{ owner: 'C', leases: [{ id: first.id, epoch: 1 }] }] }, at + 100);
      assert.equal((await row(first.id)).status, 'SENDING', 'a release under an old epoch does nothing');
      await record({ submissions: [sent('C', 2, 'c-1')] }, at + 200);
      assert.equal((await row(first.id)).status, 'SUBMITTED');
      // A's write went out all the same: C's is a copy, and the measure says why.
      assert.deepEqual(await partCopies(store.db), { UNANSWERED: 0, LEASE_LOST: 1, ACCEPTED: 0 });
    } finally {
      await store.drop();
    }
  });
}

test('postgres: reclaim skips rows a paused peer holds locked instead of waiting for them', async () => {
  const store = await openTestStore('postgres');
  try {
    await queueMessages(store, 2);
    const claimed = await claimMessages(store.db, store.caps, {
      owner: 'A',
      leaseUntil: NOW + 1000,
      now: NOW,
      carriers: ['cmcc'],
      limit: 2,
    });
    const [held, free] = claimed;
    // A transaction left open, as by a process stopped inside its group commit.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((r) => (locked = r));
    const paused = store.db.transaction().execute(async (tx) => {
      await sql`SELECT id FROM messages WHERE id = ${held!.id} FOR UPDATE`.execute(tx);
      locked();
      await gate;
    });
    await isLocked;
    // Were reclaim to wait for the lock, the lock would be let go after a while and both rows come back.
    const fallback = setTimeout(release, 10_000);
    const back = await reclaimLeases(store.db, store.caps, { now: NOW + 2000, deadOwners: [], self: 'B' });
    release();
    clearTimeout(fallback);
    await paused;
    assert.equal(back, 1, 'only the unlocked row, without waiting for the other');
    const rows = await store.db.selectFrom('messages').select(['id', 'status']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => r.status),
      held!.id < free!.id ? ['SENDING', 'QUEUED'] : ['QUEUED', 'SENDING'],
    );
  } finally {
    await store.drop();
  }
});

test('postgres: a message whose parts two processes report at once is settled after both commit', async () => {
  const store = await openTestStore('postgres');
  try {
    const app = await createTestApp(store.db, 'a', { balance: 100 });
    const ids = new IdAllocator(store.db);
    const batch = { appId: app.id, clientMsgId: null, signature: '【人社局】', content: 'x', srcExt: '' };
    await admitGroup(
      store.db,
      store.caps,
      ids,
      [
        {
          ...batch,
          islong: true,
          category: 'notice',
          sendAt: null,
          recipients: [{ mobile: '13800138000', carrier: 'cmcc', segments: 2 }],
        },
      ],
      NOW,
    );
    const [m] = await claimMessages(store.db, store.caps, {
      owner: 'A',
      leaseUntil: NOW + LEASE,
      now: NOW,
      carriers: ['cmcc'],
      limit: 1,
    });
    const record = (events: Partial<PipelineEvents>) =>
      recordEvents(store.db, store.caps, ids, { ...NO_EVENTS, ...events }, SETTINGS, NOW + 1000);
    await record({
      submissions: [
        {
          messageId: m!.id,
          gatewayId: 'g1',
          owner: 'A',
          epoch: m!.epoch,
          total: 2,
          accepted: [
            { partNo: 1, total: 2, carrierMsgId: 'p1' },
            { partNo: 2, total: 2, carrierMsgId: 'p2' },
          ],
          failure: null,
        },
      ],
    });
    const report = (carrierMsgId: string) => ({
      gatewayId: 'g1',
      carrierMsgId,
      stat: 'DELIVRD',
      mobile: '13800138000',
      doneAt: NOW + 2000,
      receivedAt: NOW + 2000,
    });
    // The other process has marked part 2 and not committed yet when this one marks part 1.
    let commit: () => void = () => undefined;
    const gate = new Promise<void>((r) => (commit = r));
    let marked: () => void = () => undefined;
    const isMarked = new Promise<void>((r) => (marked = r));
    const other = store.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('message_parts')
        .set({ status: 'DELIVERED', stat: 'DELIVRD', done_at: NOW + 2000 })
        .where('carrier_msg_id', '=', 'p2')
        .execute();
      marked();
      await gate;
    });
    await isMarked;
    const first = await record({ reports: [report('p1')] });
    commit();
    await other;
    assert.deepEqual(first.unsettled, [m!.id], 'neither transaction saw both parts final');
    const row = () =>
      store.db.selectFrom('messages').select('status').where('id', '=', m!.id).executeTakeFirstOrThrow();
    assert.equal((await row()).status, 'SUBMITTED');
    const settled = await record({ settle: first.unsettled });
    assert.equal(settled.finished, 1);
    assert.equal((await row()).status, 'DELIVERED');
  } finally {
    await store.drop();
  }
});
