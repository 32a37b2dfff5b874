/** Held messages (store/reviews.ts): never claimed; approved → queued; rejected or expired → final, refunded, reported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitGroup, type PreparedAdmission } from '../../src/store/admission.js';
import { getBalance } from '../../src/store/apps.js';
import { sequenceFeeds, pullReports } from '../../src/store/feeds.js';
import { IdAllocator } from '../../src/store/ids.js';
import { claimMessages } from '../../src/store/outbox.js';
import {
  approveReview,
  createReview,
  expireReviews,
  findReview,
  rejectReview,
} from '../../src/store/reviews.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { createTestApp } from '../helpers/apps.js';

type TestStore = Awaited<ReturnType<typeof openTestStore>>;

const NOW = Date.UTC(2026, 10, 28, 4, 0, 0);
const HOUR = 3600_000;

function request(appId: number, overrides: Partial<PreparedAdmission> = {}): PreparedAdmission {
  return {
    appId,
    clientMsgId: null,
    signature: '【人社局】',
    content: '养老金调整通知',
    srcExt: '01',
    islong: false,
    category: 'notice',
    sendAt: null,
    recipients: [
      { mobile: '13800138000', carrier: 'cmcc', segments: 2 },
      { mobile: '13000130000', carrier: 'cucc', segments: 2 },
    ],
    ...overrides,
  };
}

const claim = (store: TestStore, now: number) =>
  claimMessages(store.db, store.caps, {
    owner: 'test',
    carriers: ['cmcc', 'cucc'],
    limit: 100,
    now,
    leaseUntil: now + 60_000,
  });

async function statuses(store: TestStore): Promise<string[]> {
  const rows = await store.db.selectFrom('messages').select('status').orderBy('id').execute();
  return rows.map((r) => r.status);
}

async function heldBatch(store: TestStore, balance = 10) {
  const app = await createTestApp(store.db, 'a', { balance });
  const ids = new IdAllocator(store.db);
  await store.db
    .insertInto('mobile_blocks')
    .values({ mobile: '13900139000', kind: 'BLACKLIST', reason: null, created_at: NOW })
    .execute();
  const reviewId = await createReview(
    store.db,
    ids,
    { kind: 'batch-size', appId: app.id, requestedBy: 'op1', summary: { text: '养老金调整通知' } },
    NOW,
  );
  const [r] = await admitGroup(
    store.db,
    store.caps,
    ids,
    [
      request(app.id, {
        reviewId,
        recipients: [
          { mobile: '13800138000', carrier: 'cmcc', segments: 2 },
          { mobile: '13000130000', carrier: 'cucc', segments: 2 },
          { mobile: '13900139000', carrier: 'cmcc', segments: 2 },
        ],
      }),
    ],
    NOW,
  );
  assert.equal(r?.kind, 'accepted');
  return { app, ids, reviewId, answer: r.answer };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a review holds its batch HELD, charged, never claimed; approval queues it`, async () => {
    const store = await openTestStore(dialect);
    try {
      const { app, reviewId, answer } = await heldBatch(store);
      assert.deepEqual(
        answer.msgIds.map((m) => m.status),
        ['HELD', 'HELD', 'BLOCKED'],
      );
      assert.equal(answer.heldForReview, true);
      assert.equal(answer.charged, 4);
      assert.equal(await getBalance(store.db, app.id), 6);
      assert.equal((await findReview(store.db, reviewId))?.messageCount, 2);
      assert.equal((await claim(store, NOW + HOUR)).length, 0, 'HELD is never claimed');

      const later = NOW + 2 * HOUR;
      const decided = await approveReview(store.db, { reviewId, by: 'rev1', note: 'ok', now: later });
      assert.deepEqual(decided, { kind: 'decided', messages: 2 });
      assert.deepEqual(await statuses(store), ['QUEUED', 'QUEUED', 'BLOCKED']);
      const rows = await store.db
        .selectFrom('messages')
        .select('not_before')
        .where('status', '=', 'QUEUED')
        .execute();
      assert.ok(
        rows.every((r) => r.not_before === later),
        'not before the approval',
      );
      assert.equal((await claim(store, later)).length, 2);
      const review = await findReview(store.db, reviewId);
      assert.ok(review);
      assert.equal(review.status, 'approved');
      assert.equal(review.decidedBy, 'rev1');
      // Decided once: a second decision changes nothing.
      const again = await rejectReview(store.db, store.caps, new IdAllocator(store.db), {
        reviewId,
        by: 'rev2',
        note: null,
        now: later,
      });
      assert.deepEqual(again, { kind: 'not-pending', status: 'approved' });
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: rejection ends held messages REJECTED (stat REVIEW), refunded and reported`, async () => {
    const store = await openTestStore(dialect);
    try {
      const { app, ids, reviewId } = await heldBatch(store);
      const decided = await rejectReview(store.db, store.caps, ids, {
        reviewId,
        by: 'rev1',
        note: '内容不妥',
        now: NOW + HOUR,
      });
      assert.deepEqual(decided, { kind: 'decided', messages: 2 });
      assert.deepEqual(await statuses(store), ['REJECTED', 'REJECTED', 'BLOCKED']);
      assert.equal(await getBalance(store.db, app.id), 10);
      await sequenceFeeds(store.db, store.caps);
      const feed = await pullReports(store.db, app.id, 0, 100);
      assert.deepEqual(
        feed.items.filter((r) => r.status === 'REJECTED').map((r) => [r.mobile, r.stat]),
        [
          ['13800138000', 'REVIEW'],
          ['13000130000', 'REVIEW'],
        ],
      );
      assert.equal((await findReview(store.db, reviewId))?.note, '内容不妥');
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a review not decided within the hold time expires, refunded`, async () => {
    const store = await openTestStore(dialect);
    try {
      const { app, ids, reviewId } = await heldBatch(store);
      assert.equal(await expireReviews(store.db, store.caps, ids, NOW + 71 * HOUR, 72 * HOUR), 0);
      assert.equal(await expireReviews(store.db, store.caps, ids, NOW + 73 * HOUR, 72 * HOUR), 1);
      assert.deepEqual(await statuses(store), ['EXPIRED', 'EXPIRED', 'BLOCKED']);
      assert.equal(await getBalance(store.db, app.id), 10);
      assert.equal((await findReview(store.db, reviewId))?.status, 'expired');
      const approved = await approveReview(store.db, {
        reviewId,
        by: 'rev1',
        note: null,
        now: NOW + 74 * HOUR,
      });
      assert.deepEqual(approved, { kind: 'not-pending', status: 'expired' });
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: review words create a sensitive-words review inside the admission`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 10 });
      const ids = new IdAllocator(store.db);
      const [held, plain] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [
          request(app.id, { reviewWords: ['投资'], requestedBy: 'op1' }),
          request(app.id, { content: '另一条通知' }),
        ],
        NOW,
      );
      assert.equal(held?.kind, 'accepted');
      assert.equal(plain?.kind, 'accepted');
      assert.deepEqual(
        held.answer.msgIds.map((m) => m.status),
        ['HELD', 'HELD'],
      );
      assert.deepEqual(
        plain.answer.msgIds.map((m) => m.status),
        ['QUEUED', 'QUEUED'],
      );
      const reviews = await store.db.selectFrom('reviews').selectAll().execute();
      assert.equal(reviews.length, 1);
      const [review] = reviews;
      assert.ok(review);
      assert.equal(review.kind, 'sensitive-words');
      assert.equal(review.requested_by, 'op1');
      assert.equal(review.message_count, 2);
      assert.deepEqual((JSON.parse(review.summary) as { words: string[] }).words, ['投资']);
    } finally {
      await store.drop();
    }
  });
}
