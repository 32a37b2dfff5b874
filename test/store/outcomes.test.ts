import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitGroup, NO_SENDING_RULES } from '../../src/store/admission.js';
import { getBalance } from '../../src/store/apps.js';
import { pullReports, sequenceFeeds } from '../../src/store/feeds.js';
import { IdAllocator } from '../../src/store/ids.js';
import { claimMessages } from '../../src/store/outbox.js';
import { recordEvents, type PipelineEvents, type SubmissionRecord } from '../../src/store/outcomes.js';
import { rematchOrphans } from '../../src/store/reports.js';
import { expireDeadlines, expireQueued, reclaimLeases } from '../../src/store/sweeps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { NO_EVENTS, OUTCOME_SETTINGS } from '../helpers/outcomes.js';
import { createTestApp } from '../helpers/apps.js';

const NOW = Date.UTC(2026, 10, 28, 4, 0, 0);
const OWNER = 'owner-1';

async function setup(dialect: (typeof DIALECTS)[number], segments = 1, count = 1) {
  const store = await openTestStore(dialect);
  const app = await createTestApp(store.db, 'a', { balance: 100 });
  const ids = new IdAllocator(store.db);
  const recipients = Array.from({ length: count }, (_, i) => ({
    mobile: `1380013800${i}`,
    carrier: 'cmcc' as const,
    segments,
  }));
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
        islong: segments > 1,
        category: 'notice',
        sendAt: null,
        recipients,
      },
    ],
    NOW,
  );
  const claimed = await claimMessages(store.db, store.caps, {
    owner: OWNER,
    leaseUntil: NOW + 60_000,
    now: NOW,
    carriers: ['cmcc'],
    limit: 100,
  });
  const record = (events: Partial<PipelineEvents>, at = NOW) =>
    recordEvents(store.db, store.caps, ids, { ...NO_EVENTS, ...events }, OUTCOME_SETTINGS, at);
  const status = async (id: number) =>
    await store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { store, app, ids, claimed, record, status };
}

const accepted = (messageId: number, ids: string[], total = ids.length): SubmissionRecord => ({
  messageId,
  gatewayId: 'g1',
  owner: OWNER,
  epoch: 1,
  failure: null,
  total,
  accepted: ids.map((carrierMsgId, i) => ({ partNo: i + 1, total, carrierMsgId })),
});
const report = (carrierMsgId: string, stat: string, doneAt = NOW + 5000) => ({
  gatewayId: 'g1',
  carrierMsgId,
  stat,
  mobile: '13800138000',
  doneAt,
  receivedAt: doneAt,
});

for (const dialect of DIALECTS) {
  test(`${dialect}: claim takes due messages once, for the given carriers only`, async () => {
    const { store, claimed } = await setup(dialect, 1, 3);
    try {
      assert.equal(claimed.length, 3);
      assert.ok(claimed.every((c) => c.attempts === 1));
      const again = await claimMessages(store.db, store.caps, {
        owner: 'x',
        leaseUntil: NOW + 1,
        now: NOW,
        carriers: ['cmcc'],
        limit: 10,
      });
      assert.equal(again.length, 0);
      const rows = await store.db.selectFrom('messages').select(['status', 'lease_owner']).execute();
      assert.ok(rows.every((r) => r.status === 'SENDING' && r.lease_owner === OWNER));
      const other = await claimMessages(store.db, store.caps, {
        owner: 'x',
        leaseUntil: NOW + 1,
        now: NOW,
        carriers: ['cucc'],
        limit: 10,
      });
      assert.equal(other.length, 0);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: accepted then DELIVRD ends DELIVERED and appears in the report feed`, async () => {
    const { store, app, claimed, record, status } = await setup(dialect);
    try {
      const m = claimed[0]!;
      await record({ submissions: [accepted(m.id, ['c1'])] });
      const submitted = await status(m.id);
      assert.equal(submitted.status, 'SUBMITTED');
      assert.equal(submitted.deadline_at, NOW + 60_000);
      assert.equal(submitted.lease_owner, null);
      await record({ reports: [report('c1', 'ACCEPTD')] });
      assert.equal((await status(m.id)).status, 'SUBMITTED', 'intermediate stat changes nothing');
      const summary = await record({ reports: [report('c1', 'DELIVRD')] });
      assert.equal(summary.finished, 1);
      const done = await status(m.id);
      assert.equal(done.status, 'DELIVERED');
      assert.equal(done.stat, 'DELIVRD');
      assert.equal(done.done_at, NOW + 5000);
      assert.equal(
        (await record({ reports: [report('c1', 'UNDELIV')] })).finished,
        0,
        'a duplicate report changes nothing',
      );
      assert.equal(
        (await pullReports(store.db, app.id, 0, 10)).items.length,
        0,
        'not visible before sequencing',
      );
      await sequenceFeeds(store.db, store.caps);
      const feed = await pullReports(store.db, app.id, 0, 10);
      assert.deepEqual(feed.items, [
        { msgId: String(m.id), mobile: m.mobile, status: 'DELIVERED', stat: 'DELIVRD', doneTime: NOW + 5000 },
      ]);
      assert.equal((await pullReports(store.db, app.id, feed.nextCursor, 10)).items.length, 0);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a long message is final when every part is reported; one failed part fails it`, async () => {
    const { store, claimed, record, status } = await setup(dialect, 3);
    try {
      const m = claimed[0]!;
      await record({ submissions: [accepted(m.id, ['p1', 'p2', 'p3'])] });
      await record({ reports: [report('p1', 'DELIVRD'), report('p3', 'DELIVRD')] });
      assert.equal((await status(m.id)).status, 'SUBMITTED');
      await record({ reports: [report('p2', 'MK:0012')] });
      const done = await status(m.id);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.stat, 'MK:0012');
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a report that overtakes its submit answer waits as an orphan and is matched`, async () => {
    const { store, claimed, record, status } = await setup(dialect, 1, 2);
    try {
      const [a, b] = claimed;
      const first = await record({ reports: [report('early', 'DELIVRD'), report('late', 'DELIVRD')] });
      assert.equal(first.orphaned, 2);
      // Same group: the submission is written before the report is matched.
      const second = await record({ submissions: [accepted(a!.id, ['early'])] });
      assert.equal(second.matchedOrphans, 1);
      assert.equal((await status(a!.id)).status, 'DELIVERED');
      // The sweep leaves an orphan whose part is not stored yet (another process has not committed it).
      assert.equal(await rematchOrphans(store.db, store.caps, new IdAllocator(store.db), NOW), 0);
      assert.equal((await store.db.selectFrom('orphan_reports').select('id').execute()).length, 1);
      // A part stored without the matching pass (as another process would) is found by the sweep.
      await store.db
        .insertInto('message_parts')
        .values({
          message_id: b!.id,
          part_no: 1,
          total: 1,
          gateway_id: 'g1',
          carrier_msg_id: 'late',
          status: 'SUBMITTED',
          stat: null,
          submitted_at: NOW,
          done_at: null,
        })
        .execute();
      await store.db
        .updateTable('messages')
        .set({ status: 'SUBMITTED', lease_owner: null })
        .where('id', '=', b!.id)
        .execute();
      assert.equal(await rematchOrphans(store.db, store.caps, new IdAllocator(store.db), NOW), 1);
      assert.equal((await status(b!.id)).status, 'DELIVERED');
      assert.equal((await store.db.selectFrom('orphan_reports').select('id').execute()).length, 0);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: temporary failures retry with backoff, then fail with a refund`, async () => {
    const { store, app, claimed, record, status } = await setup(dialect, 2);
    try {
      const m = claimed[0]!;
      assert.equal(await getBalance(store.db, app.id), 98);
      const retry: SubmissionRecord = {
        messageId: m.id,
        gatewayId: 'g1',
        owner: OWNER,
        epoch: m.epoch,
        total: 2,
        accepted: [{ partNo: 1, total: 2, carrierMsgId: 'x1' }],
        failure: { kind: 'unanswered', code: 'TIMEOUT', reason: 'no answer', unansweredParts: 1 },
      };
      await record({ submissions: [retry] });
      let row = await status(m.id);
      assert.equal(row.status, 'QUEUED');
      assert.equal(row.not_before, NOW + 1000);
      assert.equal(row.resubmits, 1);
      for (const at of [NOW + 1000, NOW + 3000]) {
        const [again] = await claimMessages(store.db, store.caps, {
          owner: OWNER,
          leaseUntil: at + 60_000,
          now: at,
          carriers: ['cmcc'],
          limit: 1,
        });
        assert.equal(again?.id, m.id);
        await record(
          {
            submissions: [
              {
                ...retry,
                epoch: again.epoch,
                accepted: [],
                failure: { kind: 'retry', code: 'CMPP:8', reason: 'flow control', unansweredParts: 0 },
              },
            ],
          },
          at,
        );
      }
      row = await status(m.id);
      assert.equal(row.status, 'FAILED', 'third attempt was the last');
      assert.equal(row.refunded, 1, 'the part the carrier never took is refunded');
      assert.equal(await getBalance(store.db, app.id), 99);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a route with a different cut starts the parts over, and a cheaper cut is refunded`, async () => {
    const { store, app, claimed, record, status } = await setup(dialect, 3);
    try {
      const m = claimed[0]!;
      assert.equal(
        await getBalance(store.db, app.id),
        97,
        'admission charged the most segments a route takes',
      );
      await record({
        submissions: [
          {
            messageId: m.id,
            gatewayId: 'g1',
            owner: OWNER,
            epoch: m.epoch,
            total: 3,
            accepted: [{ partNo: 1, total: 3, carrierMsgId: 'old-1' }],
            failure: { kind: 'retry', code: 'CMPP:8', reason: 'flow control', unansweredParts: 0 },
          },
        ],
      });
      const [again] = await claimMessages(store.db, store.caps, {
        owner: OWNER,
        leaseUntil: NOW + 100_000,
        now: NOW + 5000,
        carriers: ['cmcc'],
        limit: 1,
      });
      assert.equal(again?.id, m.id);
      await record(
        { submissions: [{ ...accepted(m.id, ['new-1', 'new-2']), epoch: again.epoch, gatewayId: 'g2' }] },
        NOW + 5000,
      );
      const row = await status(m.id);
      assert.equal(row.status, 'SUBMITTED');
      assert.equal(row.refunded, 1);
      assert.equal(await getBalance(store.db, app.id), 98);
      const parts = await store.db
        .selectFrom('message_parts')
        .select(['part_no', 'total', 'carrier_msg_id'])
        .where('message_id', '=', m.id)
        .orderBy('part_no')
        .execute();
      assert.deepEqual(parts, [
        { part_no: 1, total: 2, carrier_msg_id: 'new-1' },
        { part_no: 2, total: 2, carrier_msg_id: 'new-2' },
      ]);
      await record({
        reports: [
          { ...report('new-1', 'DELIVRD'), gatewayId: 'g2' },
          { ...report('new-2', 'DELIVRD'), gatewayId: 'g2' },
        ],
      });
      const done = await status(m.id);
      assert.equal(done.status, 'DELIVERED');
      assert.equal(done.refunded, 1, 'the earlier refund is kept');
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: a refusal ends REJECTED; a lost lease is not overwritten`, async () => {
    const { store, app, claimed, record, status } = await setup(dialect, 1, 2);
    try {
      const [a, b] = claimed;
      await record({
        submissions: [
          {
            messageId: a!.id,
            gatewayId: 'g1',
            owner: OWNER,
            epoch: a!.epoch,
            total: 1,
            accepted: [],
            failure: { kind: 'rejected', code: 'CMPP:13', reason: 'bad number', unansweredParts: 0 },
          },
        ],
      });
      const rejected = await status(a!.id);
      assert.equal(rejected.status, 'REJECTED');
      assert.equal(rejected.stat, 'CMPP:13');
      assert.equal(await getBalance(store.db, app.id), 99);
      await record({ submissions: [{ ...accepted(b!.id, ['z']), owner: 'someone-else' }] });
      assert.equal((await status(b!.id)).status, 'SENDING');
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: sweeps — dead leases return, deadlines end UNKNOWN, validity EXPIRES with refund`, async () => {
    const { store, app, ids, claimed, record, status } = await setup(dialect, 2, 3);
    try {
      const [a, b, c] = claimed;
      await record({ submissions: [accepted(a!.id, ['a1', 'a2'])] });
      // b: one part taken before the owner died; c: nothing recorded.
      await store.db
        .insertInto('message_parts')
        .values({
          message_id: b!.id,
          part_no: 1,
          total: 2,
          gateway_id: 'g1',
          carrier_msg_id: 'b1',
          status: 'SUBMITTED',
          stat: null,
          submitted_at: NOW,
          done_at: null,
        })
        .execute();
      assert.equal(await reclaimLeases(store.db, store.caps, { now: NOW + 1, deadOwners: [OWNER] }), 2);
      assert.equal((await status(b!.id)).resubmits, 1);
      assert.equal((await status(c!.id)).resubmits, 2);
      assert.equal((await status(c!.id)).status, 'QUEUED');
      assert.equal(await expireDeadlines(store.db, store.caps, ids, NOW + 60_001), 1);
      assert.equal((await status(a!.id)).status, 'UNKNOWN');
      assert.equal(
        await expireQueued(store.db, store.caps, ids, NOW + 3_600_002, OUTCOME_SETTINGS.validityMs),
        2,
      );
      assert.equal((await status(b!.id)).status, 'EXPIRED');
      assert.equal((await status(b!.id)).refunded, 1);
      assert.equal((await status(c!.id)).refunded, 2);
      assert.equal(await getBalance(store.db, app.id), 100 - 6 + 3);
      await sequenceFeeds(store.db, store.caps);
      const feed = await pullReports(store.db, app.id, 0, 10);
      assert.deepEqual(feed.items.map((i) => i.status).sort(), ['EXPIRED', 'EXPIRED', 'UNKNOWN']);
    } finally {
      await store.drop();
    }
  });

  test(`${dialect}: validity counts from the send time fixed at admission, never from the last retry`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'v', { balance: 10 });
      const ids = new IdAllocator(store.db);
      const request = (mobile: string, validityMs?: number) => ({
        appId: app.id,
        clientMsgId: null,
        signature: '【人社局】',
        content: mobile,
        srcExt: '',
        islong: false,
        category: 'otp' as const,
        sendAt: null,
        recipients: [{ mobile, carrier: 'cmcc' as const, segments: 1 }],
        ...(validityMs !== undefined && { validityMs }),
      });
      const rules = { ...NO_SENDING_RULES, validityMs: OUTCOME_SETTINGS.validityMs };
      // A notice takes the configured validity; a verification code its own TTL.
      await admitGroup(
        store.db,
        store.caps,
        ids,
        [request('13800138001'), request('13800138002', 300_000)],
        NOW,
        rules,
      );
      const claim = (at: number) =>
        claimMessages(store.db, store.caps, {
          owner: OWNER,
          leaseUntil: at + 60_000,
          now: at,
          carriers: ['cmcc'],
          limit: 10,
        });
      const first = await claim(NOW);
      assert.deepEqual(
        first.map((m) => m.validUntil),
        [NOW + 3_600_000, NOW + 300_000],
      );
      const [notice, code] = first;
      const retry = (m: { id: number; epoch: number }): SubmissionRecord => ({
        messageId: m.id,
        epoch: m.epoch,
        gatewayId: 'g1',
        owner: OWNER,
        total: 1,
        accepted: [],
        failure: { kind: 'retry', code: 'CMPP:8', reason: 'flow control', unansweredParts: 0 },
      });
      const record = (submissions: SubmissionRecord[], at: number) =>
        recordEvents(store.db, store.caps, ids, { ...NO_EVENTS, submissions }, OUTCOME_SETTINGS, at);
      await record([retry(notice!), retry(code!)], NOW);
      const row = (id: number) =>
        store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal((await row(code!.id)).not_before, NOW + 1000, 'the retry moved the send time');
      // The code's second attempt fails when its 5 minutes are over: it ends EXPIRED, not queued again.
      const again = await claim(NOW + 300_000);
      assert.deepEqual(
        again.map((m) => m.id),
        [notice!.id, code!.id],
      );
      const [noticeAgain, codeAgain] = again;
      await record([retry(codeAgain!)], NOW + 300_000);
      assert.equal((await row(code!.id)).status, 'EXPIRED');
      await record([retry(noticeAgain!)], NOW + 300_000);
      // The queued notice expires an hour after admission although its retry moved not_before.
      assert.equal(
        await expireQueued(store.db, store.caps, ids, NOW + 3_600_000 - 1, OUTCOME_SETTINGS.validityMs),
        0,
      );
      assert.equal(
        await expireQueued(store.db, store.caps, ids, NOW + 3_600_001, OUTCOME_SETTINGS.validityMs),
        1,
      );
      assert.equal((await row(notice!.id)).status, 'EXPIRED');
    } finally {
      await store.drop();
    }
  });
}
