/**
 * The maintained message counts (docs/performance.md) equal a full count of the messages after
 * every kind of change: admission (QUEUED, HELD), claim, submit, retry, refusal, reports, review
 * approval, expiry, lease reclaim and retention — before and after the sweeper folds them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { admitGroup, type PreparedAdmission } from '../../src/store/admission.js';
import { IdAllocator } from '../../src/store/ids.js';
import { foldTallies, pendingTallies, rebuildTallies, tallyCells } from '../../src/store/message-tallies.js';
import { claimMessages } from '../../src/store/outbox.js';
import { recordEvents, type PipelineEvents, type SubmissionRecord } from '../../src/store/outcomes.js';
import { pruneMessages } from '../../src/store/retention.js';
import { approveReview, createReview } from '../../src/store/reviews.js';
import { expireQueued, reclaimLeases } from '../../src/store/sweeps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { NO_EVENTS, OUTCOME_SETTINGS } from '../helpers/outcomes.js';
import { createTestApp } from '../helpers/apps.js';

const NOW = Date.UTC(2026, 10, 28, 4, 30, 0);

type Store = Awaited<ReturnType<typeof openTestStore>>;

/** The counts the tallies must show, counted from the messages themselves. */
async function truth(store: Store) {
  const rows = await sql<{
    hour: number;
    app_id: number;
    carrier: string;
    gateway_id: string | null;
    status: string;
    n: number | string;
  }>`
    SELECT (created_at / 3600000) * 3600000 AS hour, app_id, carrier, gateway_id, status, count(*) AS n
    FROM messages GROUP BY 1, 2, 3, 4, 5`.execute(store.db);
  return rows.rows.map((r) => ({
    hour: r.hour,
    appId: r.app_id,
    carrier: r.carrier,
    gatewayId: r.gateway_id,
    status: r.status,
    n: Number(r.n),
  }));
}

const sorted = <T>(rows: T[]): T[] =>
  rows
    .map((r) => JSON.stringify(r))
    .sort()
    .map((s) => JSON.parse(s) as T);

async function assertTrue(store: Store, when: string): Promise<void> {
  for (const folded of [false, true]) {
    if (folded) await foldTallies(store.db, store.caps);
    const want = await truth(store);
    const got = (await tallyCells(store.db, 0, NOW + 86_400_000)).map((c) => ({
      hour: c.hour,
      appId: c.appId,
      carrier: c.carrier,
      gatewayId: c.gatewayId,
      status: c.status,
      n: c.n,
    }));
    assert.deepEqual(sorted(got), sorted(want), `${when}${folded ? ', folded' : ''}`);
    const pending = { HELD: 0, QUEUED: 0, SENDING: 0, SUBMITTED: 0 };
    for (const c of want) if (c.status in pending) pending[c.status as keyof typeof pending] += c.n;
    assert.deepEqual(await pendingTallies(store.db), pending, `${when}: pending`);
  }
}

for (const dialect of DIALECTS) {
  test(`${dialect}: the maintained counts follow every change of a message`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 1000 });
      const ids = new IdAllocator(store.db);
      const request = (mobiles: string[], extra: Partial<PreparedAdmission> = {}): PreparedAdmission => ({
        appId: app.id,
        clientMsgId: null,
        signature: '【人社局】',
        content: 'x',
        srcExt: '',
        islong: false,
        category: 'notice',
        sendAt: null,
        recipients: mobiles.map((mobile, i) => ({
          mobile,
          carrier: i % 2 === 0 ? 'cmcc' : 'cucc',
          segments: 1,
        })),
        ...extra,
      });
      await admitGroup(
        store.db,
        store.caps,
        ids,
        [request(['13800138000', '13800138001', '13800138002', '13800138003', '13800138004', '13800138005'])],
        NOW,
      );
      const reviewId = await createReview(
        store.db,
        ids,
        { kind: 'batch-size', appId: app.id, requestedBy: 'op1', summary: { text: 'x' } },
        NOW,
      );
      await admitGroup(
        store.db,
        store.caps,
        ids,
        [request(['13900139000', '13900139001'], { reviewId })],
        NOW + 3_600_000,
      );
      await assertTrue(store, 'admitted');

      const claim = (owner: string, at: number) =>
        claimMessages(store.db, store.caps, {
          owner,
          leaseUntil: at + 60_000,
          now: at,
          carriers: ['cmcc', 'cucc'],
          limit: 100,
        });
      const claimed = await claim('o1', NOW);
      assert.equal(claimed.length, 6);
      await assertTrue(store, 'claimed');
      const record = (events: Partial<PipelineEvents>, at = NOW) =>
        recordEvents(store.db, store.caps, ids, { ...NO_EVENTS, ...events }, OUTCOME_SETTINGS, at);
      const [m0, m1, m2, m3, m4] = claimed;
      const sub = (m: typeof m0, failure: SubmissionRecord['failure']): SubmissionRecord => ({
        messageId: m!.id,
        gatewayId: 'g1',
        owner: 'o1',
        epoch: m!.epoch,
        total: 1,
        accepted: failure === null ? [{ partNo: 1, total: 1, carrierMsgId: `c${m!.id}` }] : [],
        failure,
      });
      await record({
        submissions: [
          sub(m0, null),
          sub(m1, null),
          sub(m2, null),
          sub(m3, { kind: 'retry', code: 'CMPP:8', reason: 'flow control', unansweredParts: 0 }),
          sub(m4, { kind: 'rejected', code: 'CMPP:9', reason: 'refused', unansweredParts: 0 }),
        ],
      });
      await assertTrue(store, 'submitted, retried, refused (one still SENDING)');
      const report = (m: typeof m0, stat: string) => ({
        gatewayId: 'g1',
        carrierMsgId: `c${m!.id}`,
        stat,
        mobile: m!.mobile,
        doneAt: NOW + 5000,
        receivedAt: NOW + 5000,
      });
      await record({ reports: [report(m0, 'DELIVRD'), report(m1, 'UNDELIV')] });
      await assertTrue(store, 'reported');

      await approveReview(store.db, { reviewId, by: 'rev', note: null, now: NOW + 3_600_000 });
      await assertTrue(store, 'review approved');
      // The message still SENDING has its lease run out; then the queue outlives its validity.
      await reclaimLeases(store.db, store.caps, { now: NOW + 120_000, deadOwners: [] });
      await assertTrue(store, 'lease reclaimed');
      await expireQueued(store.db, store.caps, ids, NOW + 3 * 3_600_000, OUTCOME_SETTINGS.validityMs);
      await assertTrue(store, 'expired');
      await pruneMessages(store.db, NOW + 3_600_000, 100);
      await assertTrue(store, 'pruned');
      await rebuildTallies(store.db, store.caps);
      await assertTrue(store, 'rebuilt');
    } finally {
      await store.drop();
    }
  });
}
