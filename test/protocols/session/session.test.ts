import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createBackoff } from '../../../src/protocols/session/backoff.js';
import { ManualClock, waitAtMost } from '../../../src/protocols/session/clock.js';
import { RequestTracker, SequenceCounter } from '../../../src/protocols/session/request-tracker.js';
import { StateMachine } from '../../../src/protocols/session/state-machine.js';
import { defaultBurst, TokenBucket } from '../../../src/protocols/session/token-bucket.js';

test('ManualClock fires due timers in order, including ones set while firing, and forgets cancelled ones', () => {
  const clock = new ManualClock(1000);
  const fired: string[] = [];
  clock.setTimer(30, () => fired.push('b'));
  clock.setTimer(10, () => {
    fired.push('a');
    clock.setTimer(5, () => fired.push('a+5'));
  });
  const cancelled = clock.setTimer(20, () => fired.push('never'));
  cancelled.cancel();
  clock.advance(25);
  assert.deepEqual(fired, ['a', 'a+5']);
  assert.equal(clock.now(), 1025);
  clock.advance(5);
  assert.deepEqual(fired, ['a', 'a+5', 'b']);
  assert.equal(clock.pending(), 0);
});

test('waitAtMost ends at the promise or the deadline and cancels its timer', async () => {
  const clock = new ManualClock();
  await waitAtMost(clock, Promise.resolve(), 100);
  assert.equal(clock.pending(), 0);
  const never = new Promise<void>(() => undefined);
  const waiting = waitAtMost(clock, never, 100);
  clock.advance(100);
  await waiting;
  assert.equal(clock.pending(), 0);
  await waitAtMost(clock, Promise.reject(new Error('x')), 100);
});

test('backoff grows exponentially with jitter, always within [min, max], and resets', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 10, max: 5000 }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
        minLength: 1,
        maxLength: 40,
      }),
      (min, extra, randoms) => {
        let i = 0;
        const backoff = createBackoff({
          minMs: min,
          maxMs: min + extra,
          random: () => randoms[i++ % randoms.length] ?? 0,
        });
        for (let k = 0; k < randoms.length; k++) {
          const d = backoff.next();
          assert.ok(d >= min && d <= min + extra, `${d} within [${min}, ${min + extra}]`);
        }
      },
    ),
  );
  const fixed = createBackoff({ minMs: 100, maxMs: 1000, random: () => 1 });
  assert.deepEqual(
    [fixed.next(), fixed.next(), fixed.next(), fixed.next(), fixed.next()],
    [100, 200, 400, 800, 1000],
  );
  fixed.reset();
  assert.equal(fixed.next(), 100);
  const low = createBackoff({ minMs: 100, maxMs: 1000, random: () => 0 });
  assert.deepEqual([low.next(), low.next(), low.next()], [100, 100, 200], 'jitter takes up to half the step');
});

test('token bucket: at most burst + rate × T tokens in any interval T', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2000 }),
      fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
      (rate, steps) => {
        const clock = new ManualClock();
        const burst = defaultBurst(rate);
        const bucket = new TokenBucket(rate, burst, clock);
        const takenAt: number[] = [];
        for (const step of steps) {
          clock.advance(step);
          while (bucket.take() === 0) takenAt.push(clock.now());
        }
        for (let a = 0; a < takenAt.length; a++) {
          for (let b = a; b < takenAt.length; b++) {
            const span = takenAt[b]! - takenAt[a]!;
            assert.ok(b - a + 1 <= burst + (rate * span) / 1000 + 1e-9, `${b - a + 1} tokens in ${span} ms`);
          }
        }
      },
    ),
    { numRuns: 50 },
  );
  const clock = new ManualClock();
  const bucket = new TokenBucket(10, 1, clock);
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 100, 'says when the next token is due');
  clock.advance(100);
  assert.equal(bucket.take(), 0);
});

test('request tracker: each request ends once — answered, timed out or lost — and drains', async () => {
  const clock = new ManualClock();
  const tracker = new RequestTracker<string>(2, clock);
  const a = tracker.track(1, 100);
  const b = tracker.track(2, 200);
  assert.equal(tracker.free, 0);
  assert.equal(tracker.answer(1, 'yes'), true);
  assert.equal(tracker.answer(1, 'again'), false, 'a second answer finds nothing');
  assert.deepEqual(await a, { kind: 'answered', response: 'yes' });
  clock.advance(200);
  assert.deepEqual(await b, { kind: 'timeout' });
  const c = tracker.track(3, 100);
  const drained = tracker.drained();
  tracker.failAll('link down');
  assert.deepEqual(await c, { kind: 'lost', reason: 'link down' });
  await drained;
  assert.equal(tracker.size, 0);
  assert.equal(clock.pending(), 0);
});

test('sequence numbers run 1..2^32-1 and wrap to 1', () => {
  const seq = new SequenceCounter(0xfffffffe);
  assert.deepEqual([seq.next(), seq.next(), seq.next()], [0xffffffff, 1, 2]);
});

test("state machine: only the table's transitions happen", () => {
  const seen: string[] = [];
  const m = new StateMachine<'a' | 'b' | 'c'>({ a: ['b'], b: ['c', 'a'], c: [] }, 'a', (from, to) =>
    seen.push(`${from}>${to}`),
  );
  assert.equal(m.to('c'), false);
  assert.equal(m.state, 'a');
  assert.equal(m.to('b'), true);
  assert.equal(m.to('c'), true);
  assert.equal(m.to('a'), false);
  assert.deepEqual(seen, ['a>b', 'b>c']);
});
