/**
 * A process's group of outcomes is written around rows another session holds locked — a peer
 * paused inside its transaction (docs/multinode.md, "Locks and paused peers") — instead of waiting
 * for them: the held events are put off and written once the rows are free, and nothing else of the
 * group waits. On SQLite there is one process and no row locks: the same group is written whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Transaction } from 'kysely';
import { EventWriter } from '../../src/pipeline/writer.js';
import { admitGroup } from '../../src/store/admission.js';
import { openDatabase } from '../../src/store/connect.js';
import { IdAllocator } from '../../src/store/ids.js';
import { claimMessages } from '../../src/store/outbox.js';
import { recordEvents, type PipelineEvents, type SubmissionRecord } from '../../src/store/outcomes.js';
import type { Database } from '../../src/store/schema.js';
import { createTestApp } from '../helpers/apps.js';
import { createTestDatabase, DIALECTS, type DialectName } from '../helpers/databases.js';
import { NO_EVENTS, OUTCOME_SETTINGS } from '../helpers/outcomes.js';

const NOW = Date.UTC(2026, 11, 7, 4, 0, 0);
const SETTINGS = OUTCOME_SETTINGS;
const OWNER = 'owner-1';
const none = NO_EVENTS;

const accepted = (messageId: number, carrierMsgId: string): SubmissionRecord => ({
  messageId,
  gatewayId: 'g1',
  owner: OWNER,
  epoch: 1,
  failure: null,
  total: 1,
  accepted: [{ partNo: 1, total: 1, carrierMsgId }],
});
const delivered = (carrierMsgId: string) => ({
  gatewayId: 'g1',
  carrierMsgId,
  stat: 'DELIVRD',
  mobile: '13800138000',
  doneAt: NOW + 5000,
  receivedAt: NOW + 5000,
});

/** Three claimed messages; the first two sent and recorded as c1 and c2, the third sent as c3. */
async function setup(dialect: DialectName) {
  const target = await createTestDatabase(dialect);
  // A lock wait ends in an error rather than a hang, so a group that waits fails the test.
  const store = await openDatabase(target.url, {
    sqliteSynchronous: 'NORMAL',
    sessionLimits: { idleInTransactionMs: 60_000, lockTimeoutMs: 2000 },
  });
  const peer = dialect === 'postgres' ? await openDatabase(target.url, { migrate: false }) : null;
  const app = await createTestApp(store.db, 'a', { balance: 100 });
  const ids = new IdAllocator(store.db);
  await admitGroup(
    store.db,
    store.caps,
    ids,
    [
      {
        appId: app.id,
        clientMsgId: null,
        signature: '【人社局】',
        content: 'x',
        srcExt: '',
        islong: false,
        category: 'notice',
        sendAt: null,
        recipients: ['13800138000', '13800138001', '13800138002'].map((mobile) => ({
          mobile,
          carrier: 'cmcc' as const,
          segments: 1,
        })),
      },
    ],
    NOW,
  );
  const claimed = await claimMessages(store.db, store.caps, {
    owner: OWNER,
    leaseUntil: NOW + 60_000,
    now: NOW,
    carriers: ['cmcc'],
    limit: 10,
  });
  const [m1, m2, m3] = claimed.map((c) => c.id).sort((a, b) => a - b) as [number, number, number];
  const record = (events: Partial<PipelineEvents>) =>
    recordEvents(store.db, store.caps, ids, { ...none, ...events }, SETTINGS, NOW + 6000);
  await record({ submissions: [accepted(m1, 'c1'), accepted(m2, 'c2')] });
  const status = async (id: number) =>
    (await store.db.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirstOrThrow())
      .status;
  const partStatus = async (carrierMsgId: string) =>
    (
      await store.db
        .selectFrom('message_parts')
        .select('status')
        .where('carrier_msg_id', '=', carrierMsgId)
        .executeTakeFirstOrThrow()
    ).status;
  const holds: (() => Promise<void>)[] = [];
  /** Another session takes row locks and keeps its transaction open until `release()`. */
  const hold = async (lock: (tx: Transaction<Database>) => Promise<void>) => {
    if (!peer) throw new Error('row locks are held on PostgreSQL only');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const done = peer.db
      .transaction()
      .execute(async (tx) => {
        await lock(tx);
        locked();
        await released;
        throw new Error('the peer gives up its transaction');
      })
      .catch(() => undefined);
    await holding;
    const free = async () => {
      release();
      await done;
    };
    holds.push(free);
    return free;
  };
  return {
    store,
    ids,
    m: [m1, m2, m3] as const,
    record,
    status,
    partStatus,
    hold,
    close: async () => {
      for (const free of holds) await free();
      await peer?.close();
      await store.close();
      await target.drop();
    },
  };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a group is written around the rows another session holds, and they follow once free`, async () => {
    const s = await setup(dialect);
    const [m1, m2, m3] = s.m;
    try {
      // The peer holds c1's part (recording its report) and messages 2 and 3 (ending or reclaiming them).
      const release =
        dialect === 'postgres'
          ? await s.hold(async (tx) => {
              await sql`UPDATE message_parts SET stat = stat WHERE carrier_msg_id = 'c1'`.execute(tx);
              await sql`SELECT id FROM messages WHERE id IN (${m2}, ${m3}) FOR UPDATE`.execute(tx);
            })
          : () => Promise.resolve();
      const events = {
        submissions: [accepted(m3, 'c3')],
        reports: [delivered('c1'), delivered('c2'), delivered('unknown')],
      };
      const first = await s.record(events);
      if (dialect === 'postgres') {
        assert.deepEqual([...first.busy.reports], [0], "c1's report is put off, not waited for");
        assert.deepEqual([...first.busy.submissions], [0], "message 3's submission is put off");
        assert.equal(await s.partStatus('c2'), 'DELIVERED', "c2's part is final");
        assert.equal(await s.status(m2), 'SUBMITTED', 'message 2 is held: ended later');
        assert.deepEqual(first.unsettled, [m2]);
        assert.equal(await s.partStatus('c1'), 'SUBMITTED');
        assert.equal(await s.status(m3), 'SENDING');
        assert.equal(first.orphaned, 1, 'a report for no part still waits as an orphan');
      } else {
        assert.equal(first.busy.reports.size + first.busy.submissions.size, 0);
        assert.equal(first.finished, 2);
      }
      await release();
      if (dialect === 'postgres') {
        const second = await s.record({
          submissions: [accepted(m3, 'c3')],
          reports: [delivered('c1')],
          settle: first.unsettled,
        });
        assert.equal(second.busy.reports.size + second.busy.submissions.size, 0);
        assert.equal(second.finished, 2, 'messages 1 and 2 end');
      }
      assert.equal(await s.status(m1), 'DELIVERED');
      assert.equal(await s.status(m2), 'DELIVERED');
      assert.equal(await s.status(m3), 'SUBMITTED');
      const reports = await s.store.db.selectFrom('delivery_reports').select('message_id').execute();
      assert.deepEqual(
        reports.map((r) => r.message_id).sort((a, b) => a - b),
        [m1, m2],
        'one report row each',
      );
    } finally {
      await s.close();
    }
  });

  test(`${dialect}: the writer offers a held report again until the rows are free; its other events do not wait`, async () => {
    const s = await setup(dialect);
    const [m1, m2] = s.m;
    const writer = new EventWriter(
      { db: s.store.db, caps: s.store.caps, url: '', notices: [], close: () => Promise.resolve() },
      s.ids,
      SETTINGS,
      { now: () => NOW + 6000 },
    );
    try {
      const release =
        dialect === 'postgres'
          ? await s.hold(async (tx) => {
              await sql`UPDATE message_parts SET stat = stat WHERE carrier_msg_id = 'c1'`.execute(tx);
            })
          : () => Promise.resolve();
      let firstWritten = false;
      const first = writer.write({ kind: 'report', record: delivered('c1') }).then(() => {
        firstWritten = true;
      });
      await writer.write({ kind: 'report', record: delivered('c2') });
      assert.equal(await s.status(m2), 'DELIVERED', 'the free report is written at once');
      if (dialect === 'postgres') {
        assert.equal(firstWritten, false, 'the held one waits for its rows');
        await new Promise((resolve) => setTimeout(resolve, 600));
        assert.equal(firstWritten, false);
        assert.ok(writer.counters.putOff >= 2, 'offered again while held');
      }
      await release();
      await first;
      assert.equal(await s.status(m1), 'DELIVERED');
    } finally {
      await writer.close();
      await s.close();
    }
  });
}
