import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CATEGORIES } from '../../src/domain/categories.js';
import { fromBeijing, toBeijing } from '../../src/domain/beijing-time.js';
import {
  beijingDayStart,
  DAY_MS,
  frequencyRulesActive,
  frequencyVerdict,
  relevantRange,
  subjectToSendingLimits,
  type FrequencyRules,
  type SendingEntry,
} from '../../src/domain/sending-limits.js';

const HOUR = 3600 * 1000;
const at = (hour: number, minute = 0, day = 28): number =>
  fromBeijing({ year: 2026, month: 11, day, hour, minute, second: 0 })!;
const DEDUP: FrequencyRules = { identicalContentWindowMs: HOUR, maxPerNumberPerDay: 0 };
const CAP2: FrequencyRules = { identicalContentWindowMs: 0, maxPerNumberPerDay: 2 };
const sent = (t: number, content = '缴费提醒', appId = 1): SendingEntry => ({ appId, content, at: t });

test('only notices and surveys are held and limited', () => {
  assert.deepEqual(CATEGORIES.filter(subjectToSendingLimits), ['notice', 'survey']);
  assert.equal(frequencyRulesActive({ identicalContentWindowMs: 0, maxPerNumberPerDay: 0 }), false);
  assert.equal(frequencyRulesActive(DEDUP), true);
  assert.equal(frequencyRulesActive(CAP2), true);
});

test('the same content from the same app within the window is a duplicate', () => {
  const history = [sent(at(10))];
  assert.equal(frequencyVerdict(history, sent(at(10)), DEDUP), 'DUPLICATE');
  assert.equal(frequencyVerdict(history, sent(at(10, 59)), DEDUP), 'DUPLICATE');
  assert.equal(
    frequencyVerdict(history, sent(at(9, 1)), DEDUP),
    'DUPLICATE',
    'one scheduled later counts too',
  );
  assert.equal(frequencyVerdict(history, sent(at(10) + HOUR - 1), DEDUP), 'DUPLICATE');
  assert.equal(frequencyVerdict(history, sent(at(11)), DEDUP), null, 'a full window apart');
  assert.equal(frequencyVerdict(history, sent(at(9)), DEDUP), null);
  assert.equal(frequencyVerdict(history, sent(at(10), '另一条通知'), DEDUP), null, 'other content');
  assert.equal(frequencyVerdict(history, sent(at(10), '缴费提醒', 2), DEDUP), null, 'other app');
  assert.equal(frequencyVerdict([], sent(at(10)), DEDUP), null);
  assert.equal(frequencyVerdict(history, sent(at(10)), CAP2), null, 'window 0: no duplicates');
});

test('at most N per number per Beijing day, across apps and contents', () => {
  const two = [sent(at(9), 'a', 1), sent(at(15), 'b', 2)];
  assert.equal(frequencyVerdict(two.slice(0, 1), sent(at(20), 'c', 3), CAP2), null);
  assert.equal(frequencyVerdict(two, sent(at(20), 'c', 3), CAP2), 'FREQUENCY');
  assert.equal(frequencyVerdict(two, sent(at(0, 0, 29), 'c'), CAP2), null, 'a new Beijing day');
  // 23:59 Beijing on the 27th is 15:59 UTC on the 27th; 00:30 on the 28th is 16:30 UTC the 27th.
  const lateYesterday = [sent(at(23, 59, 27), 'a'), sent(at(23, 58, 27), 'b')];
  assert.equal(
    frequencyVerdict(lateYesterday, sent(at(0, 30), 'c'), CAP2),
    null,
    'the day is Beijing’s, not UTC’s',
  );
  assert.equal(
    frequencyVerdict(two, sent(at(20), 'c'), { ...CAP2, maxPerNumberPerDay: 0 }),
    null,
    '0 = unlimited',
  );
  // A duplicate is named as such even when the cap is also reached.
  assert.equal(
    frequencyVerdict(two, sent(at(9), 'a', 1), { ...CAP2, identicalContentWindowMs: HOUR }),
    'DUPLICATE',
  );
});

test('Beijing days start at 16:00 UTC', () => {
  assert.equal(beijingDayStart(at(0)), Date.UTC(2026, 10, 27, 16, 0));
  assert.equal(beijingDayStart(at(23, 59)), Date.UTC(2026, 10, 27, 16, 0));
  assert.equal(beijingDayStart(at(0, 0, 29)), Date.UTC(2026, 10, 28, 16, 0));
});

const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });

test('property: a Beijing day starts at Beijing midnight and holds its instant', () => {
  fc.assert(
    fc.property(instant, (t) => {
      const d = beijingDayStart(t);
      assert.ok(d <= t && t < d + DAY_MS);
      const c = toBeijing(d);
      assert.deepEqual([c.hour, c.minute, c.second, d % 1000], [0, 0, 0, 0]);
      assert.equal(toBeijing(d).day, toBeijing(t).day);
    }),
    { numRuns: 2000 },
  );
});

test('property: only history within the relevant range decides the verdict', () => {
  const rules = fc.record({
    identicalContentWindowMs: fc.constantFrom(0, 60_000, HOUR, 6 * HOUR),
    maxPerNumberPerDay: fc.integer({ min: 0, max: 4 }),
  });
  const base = Date.UTC(2026, 10, 28);
  const near = fc.integer({ min: base - 3 * DAY_MS, max: base + 3 * DAY_MS });
  const entry = fc.record({ appId: fc.constantFrom(1, 2), content: fc.constantFrom('a', 'b'), at: near });
  fc.assert(
    fc.property(rules, fc.array(entry, { maxLength: 12 }), entry, (r, history, candidate) => {
      const range = relevantRange(candidate.at, r);
      const inRange = history.filter((e) => e.at >= range.from && e.at <= range.to);
      assert.equal(frequencyVerdict(inRange, candidate, r), frequencyVerdict(history, candidate, r));
    }),
    { numRuns: 3000 },
  );
});
