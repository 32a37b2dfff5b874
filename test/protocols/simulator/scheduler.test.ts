/** The report scheduler: one timer, time order, ties in arrival order, re-armed for earlier work. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type Clock } from '../../../src/protocols/simulator/scheduler.js';

/** A clock whose time moves only when the test says, with at most one pending timer visible. */
class FakeClock implements Clock {
  time = 1000;
  timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.time += ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= this.time)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) return;
      this.timers.delete(due[0]);
      due[1].fn();
    }
  }
}

test('entries leave in due order, ties in insertion order, in batches, with one timer', () => {
  const clock = new FakeClock();
  const fired: string[][] = [];
  const s = new Scheduler<string>((due) => fired.push(due), clock);
  s.after(300, 'c');
  s.after(100, 'a1');
  s.after(100, 'a2');
  s.after(200, 'b');
  assert.equal(clock.timers.size, 1, 'a single timer');
  assert.equal(s.size, 4);
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, [['a1', 'a2']]);
  clock.advance(150);
  assert.deepEqual(fired, [['a1', 'a2'], ['b']]);
  assert.equal(clock.timers.size, 1);
  clock.advance(50);
  assert.deepEqual(fired.at(-1), ['c']);
  assert.equal(clock.timers.size, 0, 'nothing armed when empty');
});

test('an earlier entry re-arms the timer; clear() stops it', () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  const s = new Scheduler<number>((due) => fired.push(...due), clock);
  s.after(1000, 1);
  s.after(10, 2);
  assert.equal(clock.timers.size, 1);
  clock.advance(10);
  assert.deepEqual(fired, [2]);
  s.clear();
  assert.equal(clock.timers.size, 0);
  clock.advance(5000);
  assert.deepEqual(fired, [2]);
});

test('many random entries come out sorted', () => {
  const clock = new FakeClock();
  const out: number[] = [];
  const s = new Scheduler<number>((due) => out.push(...due), clock);
  const delays = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
  for (const d of delays) s.after(d, d);
  clock.advance(1000);
  assert.deepEqual(
    out,
    [...delays].sort((a, b) => a - b),
  );
});
