/**
 * The admission planner without a database (README "Sending"; docs/design.md §5 Sending windows):
 * what it reads in, what it answers and which rows it plans. test/store/admission.test.ts covers the
 * same decisions written through both databases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_SENDING_RULES, type PreparedAdmission, type SendingRules } from '../../src/domain/admission.js';
import { planAdmission, type AdmissionReads } from '../../src/domain/admission-plan.js';
import { fromBeijing } from '../../src/domain/beijing-time.js';
import type { SendingEntry } from '../../src/domain/sending-limits.js';

const NOW = fromBeijing({ year: 2026, month: 11, day: 28, hour: 12, minute: 0, second: 0 })!;
const HOUR = 3600 * 1000;

function request(overrides: Partial<PreparedAdmission> = {}): PreparedAdmission {
  return {
    appId: 7,
    clientMsgId: null,
    signature: '【人社局】',
    content: '您的社保卡已制作完成。',
    srcExt: '01',
    islong: false,
    category: 'notice',
    sendAt: null,
    recipients: [
      { mobile: '13800138000', carrier: 'cmcc', segments: 1 },
      { mobile: '13000130000', carrier: 'cucc', segments: 2, homeProvince: '44' },
    ],
    ...overrides,
  };
}

function reads(overrides: Partial<AdmissionReads> = {}): AdmissionReads {
  return {
    replays: new Map(),
    blocked: new Map(),
    sending: null,
    balances: new Map([[7, 100]]),
    ...overrides,
  };
}

/** Ids from 1001 up, as a reserved block hands them out. */
function counter(): () => number {
  let next = 1000;
  return () => ++next;
}

function plan(
  group: PreparedAdmission[],
  r: AdmissionReads = reads(),
  rules: SendingRules = NO_SENDING_RULES,
) {
  return planAdmission(group, r, NOW, rules, counter());
}

test('an accepted request charges segments × recipients and plans one batch and a row per number', () => {
  const p = plan([request()]);
  assert.deepEqual(p.results, [
    {
      kind: 'accepted',
      answer: {
        code: 1,
        batchId: '1001',
        charged: 3,
        notBefore: NOW,
        msgIds: [
          { mobile: '13800138000', msgId: '1002', status: 'QUEUED' },
          { mobile: '13000130000', msgId: '1003', status: 'QUEUED' },
        ],
      },
    },
  ]);
  assert.deepEqual(
    p.messages.map((m) => [m.id, m.batch_id, m.status, m.segments, m.charged, m.home_province, m.done_at]),
    [
      [1002, 1001, 'QUEUED', 1, 1, '', null],
      [1003, 1001, 'QUEUED', 2, 2, '44', null],
    ],
  );
  assert.deepEqual(p.reports, []);
  assert.deepEqual([...p.debits], [[7, 3]]);
  assert.equal(p.batches[0]?.reviewId, null);
});

test('a group spends the balance in order; a request it cannot cover plans nothing', () => {
  const given = reads({ balances: new Map([[7, 4]]) });
  const p = plan([request(), request()], given);
  assert.equal(p.results[0]?.kind, 'accepted');
  assert.deepEqual(p.results[1], { kind: 'insufficient', balance: 1, needed: 3 });
  assert.equal(p.batches.length, 1);
  assert.equal(p.messages.length, 2);
  assert.deepEqual([...p.debits], [[7, 3]]);
  assert.equal(given.balances.get(7), 4, 'the reads are left as given');
});

test('unmetered requests are not charged and need no balance', () => {
  const p = plan([request({ unmetered: true, category: 'reply' })], reads({ balances: new Map() }));
  assert.ok(p.results[0]?.kind === 'accepted');
  assert.equal(p.results[0].answer.charged, 0);
  assert.deepEqual(
    p.messages.map((m) => m.charged),
    [0, 0],
  );
  assert.equal(p.debits.size, 0);
});

test('TD stops notices, not results; the blacklist stops all; no route fails: each with a final report', () => {
  const blocked = new Map([
    ['13800138000', new Set(['TD'])],
    ['13900139000', new Set(['BLACKLIST'])],
  ]);
  const recipients = [
    { mobile: '13800138000', carrier: 'cmcc' as const, segments: 1 },
    { mobile: '13900139000', carrier: 'cmcc' as const, segments: 1 },
    { mobile: '19200192000', carrier: 'cbn' as const, segments: null },
    { mobile: '13000130000', carrier: 'cucc' as const, segments: 1 },
  ];
  const p = plan([request({ recipients }), request({ recipients, category: 'result' })], reads({ blocked }));
  const [notice, result] = p.results;
  assert.ok(notice?.kind === 'accepted' && result?.kind === 'accepted');
  assert.deepEqual(
    notice.answer.msgIds.map((m) => [m.status, m.stat]),
    [
      ['BLOCKED', 'BLOCKED'],
      ['BLOCKED', 'BLOCKED'],
      ['FAILED', 'NOROUTE'],
      ['QUEUED', undefined],
    ],
  );
  assert.deepEqual(
    result.answer.msgIds.map((m) => m.status),
    ['QUEUED', 'BLOCKED', 'FAILED', 'QUEUED'],
  );
  assert.equal(notice.answer.charged, 1);
  assert.equal(result.answer.charged, 2);
  const noRoute = p.messages.find((m) => m.stat === 'NOROUTE');
  assert.deepEqual(
    [noRoute?.charged, noRoute?.done_at, noRoute?.error],
    [0, NOW, 'no gateway serves this carrier'],
  );
  assert.deepEqual(
    p.reports.map((r) => [r.mobile, r.status, r.stat]),
    [
      ['13800138000', 'BLOCKED', 'BLOCKED'],
      ['13900139000', 'BLOCKED', 'BLOCKED'],
      ['19200192000', 'FAILED', 'NOROUTE'],
      ['13900139000', 'BLOCKED', 'BLOCKED'],
      ['19200192000', 'FAILED', 'NOROUTE'],
    ],
  );
  assert.ok(p.reports.every((r) => p.messages.some((m) => m.id === r.message_id && m.status === r.status)));
});

test('a repeated clientMsgId replays the first answer (earlier or in the group), even over blocking words', () => {
  const earlier = { code: 1 as const, batchId: '9', charged: 2, msgIds: [] };
  const p = plan(
    [
      request({ clientMsgId: 'old', refuseWords: ['违禁'] }),
      request({ clientMsgId: 'k1' }),
      request({ clientMsgId: 'k1', content: 'different' }),
      request({ clientMsgId: 'k2', refuseWords: ['违禁'] }),
      request({ clientMsgId: 'k1', appId: 8 }),
    ],
    reads({
      replays: new Map([['7\u0000old', earlier]]),
      balances: new Map([
        [7, 100],
        [8, 100],
      ]),
    }),
  );
  const [old, first, again, refused, otherApp] = p.results;
  assert.deepEqual(old, { kind: 'replayed', answer: earlier });
  assert.ok(first?.kind === 'accepted');
  assert.deepEqual(again, { kind: 'replayed', answer: first.answer });
  assert.deepEqual(refused, { kind: 'refused', words: ['违禁'] });
  assert.equal(otherApp?.kind, 'accepted', 'keys are per account');
  assert.equal(p.batches.length, 2);
});

test('quiet hours move a notice past the window, not a result; validity counts from the send time', () => {
  const rules: SendingRules = {
    ...NO_SENDING_RULES,
    quietHours: { startMinute: 11 * 60, endMinute: 14 * 60 },
    validityMs: HOUR,
  };
  const p = plan(
    [request(), request({ category: 'result' }), request({ validityMs: 5 * 60_000 })],
    reads(),
    rules,
  );
  const [notice, result, short] = p.results;
  assert.ok(notice?.kind === 'accepted' && result?.kind === 'accepted' && short?.kind === 'accepted');
  assert.equal(notice.answer.notBefore, NOW + 2 * HOUR);
  assert.equal(notice.answer.heldByQuietHours, true);
  assert.equal(result.answer.notBefore, NOW);
  assert.equal(result.answer.heldByQuietHours, undefined);
  assert.deepEqual(
    [
      ...new Set(
        p.messages.map((m) => `${m.batch_id}:${m.not_before - NOW}:${(m.valid_until ?? 0) - m.not_before}`),
      ),
    ],
    [
      `${notice.answer.batchId}:${2 * HOUR}:${HOUR}`,
      `${result.answer.batchId}:0:${HOUR}`,
      `${short.answer.batchId}:${2 * HOUR}:300000`,
    ],
  );
});

test('frequency limits block duplicates and over-cap numbers; whitelisted numbers and results are exempt', () => {
  const rules: SendingRules = {
    ...NO_SENDING_RULES,
    frequency: { identicalContentWindowMs: HOUR, maxPerNumberPerDay: 2 },
  };
  const history: SendingEntry[] = [{ appId: 7, content: '缴费提醒', at: NOW - 10 * 60_000 }];
  const sending = new Map([
    ['13800138000', history],
    [
      '13900139000',
      [
        { appId: 1, content: 'a', at: NOW - HOUR },
        { appId: 1, content: 'b', at: NOW - HOUR },
      ],
    ],
    ['13700137000', [...history]],
  ]);
  const recipients = ['13800138000', '13900139000', '13700137000', '13000130000'].map((mobile) => ({
    mobile,
    carrier: 'cmcc' as const,
    segments: 1,
  }));
  const p = plan(
    [
      request({ content: '缴费提醒', recipients }),
      request({ content: '缴费提醒', recipients, category: 'result' }),
      request({ content: '缴费提醒', recipients: recipients.slice(3) }),
    ],
    reads({ sending, blocked: new Map([['13700137000', new Set(['WHITELIST'])]]) }),
    rules,
  );
  const [notice, result, again] = p.results;
  assert.ok(notice?.kind === 'accepted' && result?.kind === 'accepted' && again?.kind === 'accepted');
  assert.deepEqual(
    notice.answer.msgIds.map((m) => m.stat ?? m.status),
    ['DUPLICATE', 'FREQUENCY', 'QUEUED', 'QUEUED'],
  );
  assert.equal(notice.answer.charged, 2);
  assert.deepEqual(
    result.answer.msgIds.map((m) => m.status),
    ['QUEUED', 'QUEUED', 'QUEUED', 'QUEUED'],
  );
  // The group's own accepted notice counts against the next one.
  assert.deepEqual(
    again.answer.msgIds.map((m) => m.stat),
    ['DUPLICATE'],
  );
  assert.equal(sending.size, 3, 'the reads are left as given');
  assert.equal(sending.get('13700137000')?.length, 1);
});

test('a request refused for its balance gives its numbers their counts back', () => {
  const rules: SendingRules = {
    ...NO_SENDING_RULES,
    frequency: { identicalContentWindowMs: HOUR, maxPerNumberPerDay: 0 },
  };
  const one = (segments: number) => [{ mobile: '13800138000', carrier: 'cmcc' as const, segments }];
  const p = plan(
    [request({ recipients: one(10) }), request({ recipients: one(1) })],
    reads({ sending: new Map(), balances: new Map([[7, 5]]) }),
    rules,
  );
  assert.equal(p.results[0]?.kind, 'insufficient');
  assert.ok(p.results[1]?.kind === 'accepted');
  assert.equal(p.results[1].answer.msgIds[0]?.status, 'QUEUED');
});

test('review words hold the queued messages under a new review; a given review is used as is', () => {
  const blocked = new Map([['13900139000', new Set(['BLACKLIST'])]]);
  const p = plan(
    [
      request({ reviewWords: ['敏感'], requestedBy: 'ops' }),
      request({ reviewId: 55 }),
      request({ reviewId: 55 }),
      request({
        reviewWords: ['敏感'],
        recipients: [{ mobile: '13900139000', carrier: 'cmcc', segments: 1 }],
      }),
    ],
    reads({ blocked, balances: new Map([[7, 100]]) }),
  );
  const [own, given, givenAgain, nothingQueued] = p.results;
  assert.ok(own?.kind === 'accepted' && given?.kind === 'accepted' && givenAgain?.kind === 'accepted');
  assert.ok(nothingQueued?.kind === 'accepted');
  assert.equal(own.answer.heldForReview, true);
  assert.deepEqual(
    own.answer.msgIds.map((m) => m.status),
    ['HELD', 'HELD'],
  );
  assert.equal(own.answer.charged, 3, 'held messages are charged');
  assert.equal(nothingQueued.answer.heldForReview, undefined);
  assert.equal(p.newReviews.length, 1);
  const review = p.newReviews[0]!;
  assert.deepEqual(
    [review.id, review.kind, review.status, review.requested_by, JSON.parse(review.summary)],
    [1002, 'sensitive-words', 'pending', 'ops', { words: ['敏感'], category: 'notice' }],
  );
  assert.deepEqual(
    [...p.heldCounts],
    [
      [1002, 2],
      [55, 4],
    ],
  );
  assert.deepEqual(
    p.batches.map((b) => b.reviewId),
    [1002, 55, 55, null],
  );
});
