import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WeightedSelector, type Candidate } from '../../src/pipeline/route-selection.js';

const gw = (id: string, weight: number, room = 10): Candidate => ({ id, weight, room });

function counts(selector: WeightedSelector, candidates: Candidate[], n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = selector.pick(candidates);
    if (id) out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

test('traffic is shared by weight, interleaved', () => {
  const s = new WeightedSelector(() => 0);
  assert.deepEqual(counts(s, [gw('a', 3), gw('b', 1)], 400), { a: 300, b: 100 });
  const seq = Array.from({ length: 4 }, () => s.pick([gw('a', 3), gw('b', 1)]));
  assert.ok(
    seq.includes('b') && seq.filter((x) => x === 'a').length === 3,
    'each window of 4 holds the 3:1 mix',
  );
});

test('a gateway without room is skipped; none with room gives null', () => {
  const s = new WeightedSelector(() => 0);
  assert.deepEqual(counts(s, [gw('a', 5, 0), gw('b', 1)], 10), { b: 10 });
  assert.equal(s.pick([gw('a', 1, 0)]), null);
  assert.equal(s.pick([]), null);
});

test('a refusing gateway cools down, doubling, and heals when it takes parts again', () => {
  let now = 0;
  const s = new WeightedSelector(() => now);
  const both = [gw('a', 1), gw('b', 1)];
  for (let i = 0; i < 3; i++) s.record('a', 'retry');
  assert.ok(s.coolingDown('a'));
  assert.deepEqual(counts(s, both, 6), { b: 6 });
  now += 1001;
  assert.equal(s.coolingDown('a'), false);
  for (let i = 0; i < 3; i++) s.record('a', 'unanswered');
  now += 1001;
  assert.ok(s.coolingDown('a'), 'the second cooldown lasts 2 s');
  now += 1000;
  assert.equal(s.coolingDown('a'), false);
  s.record('a', 'accepted');
  for (let i = 0; i < 3; i++) s.record('a', 'retry');
  now += 1001;
  assert.equal(s.coolingDown('a'), false, 'an accepted part resets the doubling');
  // When everything with room is cooling down, traffic still flows to the one that cools first:
  // a is on its second cooldown (2 s), b on its first (1 s).
  for (let i = 0; i < 3; i++) s.record('a', 'retry');
  for (let i = 0; i < 3; i++) s.record('b', 'retry');
  assert.equal(s.pick([gw('a', 1), gw('b', 1)]), 'b');
});
