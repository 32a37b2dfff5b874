import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canTransition,
  combineOutcomes,
  FINAL_STATUSES,
  INITIAL_STATUSES,
  isFinal,
  outcomeOfStat,
  PENDING_STATUSES,
} from '../../src/domain/status.js';

test('final statuses are terminal', () => {
  for (const from of FINAL_STATUSES) {
    for (const to of [...FINAL_STATUSES, ...PENDING_STATUSES]) assert.equal(canTransition(from, to), false);
    assert.ok(isFinal(from));
  }
  for (const s of PENDING_STATUSES) assert.equal(isFinal(s), false);
});

test('a message is created queued, held, or already final: BLOCKED, or FAILED without a route', () => {
  assert.deepEqual([...INITIAL_STATUSES].sort(), ['BLOCKED', 'FAILED', 'HELD', 'QUEUED']);
  assert.deepEqual(
    INITIAL_STATUSES.filter((s) => isFinal(s)),
    ['BLOCKED', 'FAILED'],
  );
});

test('the send path is allowed, shortcuts are not', () => {
  assert.ok(canTransition('QUEUED', 'SENDING'));
  assert.ok(canTransition('SENDING', 'SUBMITTED'));
  assert.ok(canTransition('SENDING', 'QUEUED'));
  assert.ok(canTransition('SUBMITTED', 'DELIVERED'));
  assert.ok(canTransition('SUBMITTED', 'UNKNOWN'));
  assert.equal(canTransition('QUEUED', 'DELIVERED'), false);
  assert.equal(canTransition('QUEUED', 'SUBMITTED'), false);
  assert.equal(canTransition('SENDING', 'UNKNOWN'), false);
  assert.equal(canTransition('SUBMITTED', 'QUEUED'), false);
});

test('carrier stats map onto outcomes', () => {
  assert.equal(outcomeOfStat('DELIVRD'), 'DELIVERED');
  assert.equal(outcomeOfStat(' delivrd '), 'DELIVERED');
  assert.equal(outcomeOfStat('EXPIRED'), 'EXPIRED');
  assert.equal(outcomeOfStat('UNDELIV'), 'FAILED');
  assert.equal(outcomeOfStat('REJECTD'), 'REJECTED');
  assert.equal(outcomeOfStat('UNKNOWN'), 'UNKNOWN');
  assert.equal(outcomeOfStat('ACCEPTD'), null);
  assert.equal(outcomeOfStat('ENROUTE'), null);
  assert.equal(outcomeOfStat('MK:0012'), 'FAILED');
  assert.equal(outcomeOfStat('MA:0001'), 'FAILED');
});

test('a message is delivered only when every part is', () => {
  assert.equal(combineOutcomes(['DELIVERED', 'DELIVERED']), 'DELIVERED');
  assert.equal(combineOutcomes(['DELIVERED', 'FAILED']), 'FAILED');
  assert.equal(combineOutcomes(['UNKNOWN', 'DELIVERED']), 'UNKNOWN');
  assert.equal(combineOutcomes(['EXPIRED', 'REJECTED']), 'REJECTED');
  assert.equal(combineOutcomes([]), 'UNKNOWN');
});
