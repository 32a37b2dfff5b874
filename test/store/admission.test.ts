import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitGroup, type PreparedAdmission } from '../../src/store/admission.js';
import { getBalance } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { createTestApp } from '../helpers/apps.js';
import { INITIAL_STATUSES } from '../../src/domain/status.js';

const NOW = Date.UTC(2026, 10, 28, 4, 0, 0);

function request(appId: number, overrides: Partial<PreparedAdmission> = {}): PreparedAdmission {
  return {
    appId,
    clientMsgId: null,
    signature: '【人社局】',
    content: '您的社保卡已制作完成。',
    srcExt: '01',
    islong: false,
    category: 'notice',
    sendAt: null,
    recipients: [
      { mobile: '13800138000', carrier: 'cmcc', segments: 1 },
      { mobile: '13000130000', carrier: 'cucc', segments: 1 },
    ],
    ...overrides,
  };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: admission writes batch and messages and debits segments × recipients`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 10 });
      const ids = new IdAllocator(store.db);
      const [r] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [
          request(app.id, {
            recipients: [
              { mobile: '13800138000', carrier: 'cmcc', segments: 2 },
              { mobile: '13000130000', carrier: 'cucc', segments: 3 },
            ],
          }),
        ],
        NOW,
      );
      assert.equal(r?.kind, 'accepted');
      assert.equal(r.answer.charged, 5);
      assert.deepEqual(
        r.answer.msgIds.map((m) => [m.mobile, m.status]),
        [
          ['13800138000', 'QUEUED'],
          ['13000130000', 'QUEUED'],
        ],
      );
      assert.equal(await getBalance(store.db, app.id), 5);
      const rows = await store.db.selectFrom('messages').selectAll().orderBy('id').execute();
      assert.equal(rows.length, 2);
      assert.deepEqual(
        rows.map((m) => [String(m.id), m.status, m.segments, m.charged, m.not_before]),
        [
          [r.answer.msgIds[0]?.msgId, 'QUEUED', 2, 2, NOW],
          [r.answer.msgIds[1]?.msgId, 'QUEUED', 3, 3, NOW],
        ],
      );
      const batch = await store.db.selectFrom('batches').selectAll().executeTakeFirstOrThrow();
      assert.equal(String(batch.id), r.answer.batchId);
      assert.equal(batch.content, '您的社保卡已制作完成。');
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: insufficient balance queues nothing; a group spends the balance in order`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 3 });
      const ids = new IdAllocator(store.db);
      const results = await admitGroup(store.db, store.caps, ids, [request(app.id), request(app.id)], NOW);
      assert.equal(results[0]?.kind, 'accepted');
      assert.deepEqual(results[1], { kind: 'insufficient', balance: 1, needed: 2 });
      assert.equal(await getBalance(store.db, app.id), 1);
      assert.equal((await store.db.selectFrom('messages').select('id').execute()).length, 2);
      assert.equal((await store.db.selectFrom('batches').select('id').execute()).length, 1);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: unsubscribed and blacklisted numbers are BLOCKED and not charged`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 100 });
      const ids = new IdAllocator(store.db);
      await store.db
        .insertInto('mobile_blocks')
        .values([
          { mobile: '13800138000', kind: 'TD', reason: null, created_at: NOW },
          { mobile: '13900139000', kind: 'BLACKLIST', reason: 'test', created_at: NOW },
        ])
        .execute();
      const recipients = [
        { mobile: '13800138000', carrier: 'cmcc' as const, segments: 1 },
        { mobile: '13900139000', carrier: 'cmcc' as const, segments: 1 },
        { mobile: '13000130000', carrier: 'cucc' as const, segments: 1 },
      ];
      const [notice, result] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [request(app.id, { recipients }), request(app.id, { recipients, category: 'result' })],
        NOW,
      );
      assert.ok(notice?.kind === 'accepted' && result?.kind === 'accepted');
      assert.deepEqual(
        notice.answer.msgIds.map((m) => m.status),
        ['BLOCKED', 'BLOCKED', 'QUEUED'],
      );
      assert.equal(notice.answer.charged, 1);
      // TD stops notices, not results; the blacklist stops everything.
      assert.deepEqual(
        result.answer.msgIds.map((m) => m.status),
        ['QUEUED', 'BLOCKED', 'QUEUED'],
      );
      assert.equal(await getBalance(store.db, app.id), 100 - 1 - 2);
      const reports = await store.db
        .selectFrom('delivery_reports')
        .select(['status', 'mobile'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        reports.map((r) => r.status),
        ['BLOCKED', 'BLOCKED', 'BLOCKED'],
      );
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a repeated clientMsgId returns the first answer and sends nothing`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 100 });
      const other = await createTestApp(store.db, 'b', { balance: 100 });
      const ids = new IdAllocator(store.db);
      const [first, sameGroup] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [
          request(app.id, { clientMsgId: 'k1' }),
          request(app.id, { clientMsgId: 'k1', content: 'different' }),
        ],
        NOW,
      );
      const [later] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [request(app.id, { clientMsgId: 'k1' })],
        NOW + 1000,
      );
      const [otherApp] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [request(other.id, { clientMsgId: 'k1' })],
        NOW,
      );
      assert.equal(first?.kind, 'accepted');
      assert.equal(sameGroup?.kind, 'replayed');
      assert.equal(later?.kind, 'replayed');
      assert.equal(otherApp?.kind, 'accepted', 'keys are per account');
      assert.deepEqual(later.answer, first.answer);
      assert.deepEqual(sameGroup.answer, first.answer);
      assert.equal(await getBalance(store.db, app.id), 98);
      assert.equal(
        (await store.db.selectFrom('messages').select('id').where('app_id', '=', app.id).execute()).length,
        2,
      );
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: numbers without a route fail at once and are not charged; schedule is kept`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 100 });
      const ids = new IdAllocator(store.db);
      const later = NOW + 3_600_000;
      const [r] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [
          request(app.id, {
            sendAt: later,
            recipients: [
              { mobile: '19200192000', carrier: 'cbn', segments: null },
              { mobile: '13800138000', carrier: 'cmcc', segments: 1 },
            ],
          }),
        ],
        NOW,
      );
      assert.ok(r?.kind === 'accepted');
      assert.deepEqual(
        r.answer.msgIds.map((m) => m.status),
        ['FAILED', 'QUEUED'],
      );
      assert.equal(r.answer.charged, 1);
      const queued = await store.db
        .selectFrom('messages')
        .select('not_before')
        .where('status', '=', 'QUEUED')
        .executeTakeFirstOrThrow();
      assert.equal(queued.not_before, later);
      // Every row admission writes starts in one of the domain's initial statuses.
      const written = await store.db.selectFrom('messages').select('status').execute();
      assert.ok(written.every((m) => (INITIAL_STATUSES as readonly string[]).includes(m.status)));
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: groups in flight together on one allocator each take only the ids they claimed`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 1000 });
      // Blocks of 10 ids; each group claims 6 (it takes 3), so the four need blocks of their own.
      const ids = new IdAllocator(store.db, 10);
      const groups = await Promise.all(
        ['1', '2', '3', '4'].map((id) =>
          admitGroup(store.db, store.caps, ids, [request(app.id, { clientMsgId: id })], NOW),
        ),
      );
      assert.deepEqual(
        groups.map(([r]) => r?.kind),
        ['accepted', 'accepted', 'accepted', 'accepted'],
      );
      const rows = await store.db.selectFrom('messages').select('id').execute();
      assert.equal(new Set(rows.map((r) => r.id)).size, 8);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a 1000-number request is one batch`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a', { balance: 5000 });
      const ids = new IdAllocator(store.db, 100);
      const recipients = Array.from({ length: 1000 }, (_, i) => ({
        mobile: `1380000${String(i).padStart(4, '0')}`,
        carrier: 'cmcc' as const,
        segments: 2,
      }));
      const [r] = await admitGroup(store.db, store.caps, ids, [request(app.id, { recipients })], NOW);
      assert.ok(r?.kind === 'accepted');
      assert.equal(new Set(r.answer.msgIds.map((m) => m.msgId)).size, 1000);
      assert.equal(await getBalance(store.db, app.id), 3000);
    } finally {
      await store.drop();
    }
  });
}
