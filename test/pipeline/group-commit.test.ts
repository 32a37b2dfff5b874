import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommitter } from '../../src/pipeline/group-commit.js';

test('items arriving during a flush are written together by the next one, in order', async () => {
  const groups: number[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  const c = new GroupCommitter<number, string>(
    async (items) => {
      groups.push(items);
      await gate;
      return items.map((i) => `ok${i}`);
    },
    { maxWeight: 100 },
  );
  const first = c.submit(1);
  await new Promise((r) => setImmediate(r));
  const rest = [2, 3, 4].map((i) => c.submit(i));
  assert.equal(c.pending(), 3);
  release();
  gate = Promise.resolve();
  assert.equal(await first, 'ok1');
  assert.deepEqual(await Promise.all(rest), ['ok2', 'ok3', 'ok4']);
  assert.deepEqual(groups, [[1], [2, 3, 4]]);
});

test('a group never exceeds its weight, except for one heavy item alone', async () => {
  const groups: number[][] = [];
  const c = new GroupCommitter<number, number>(
    (items) => {
      groups.push(items);
      return Promise.resolve(items);
    },
    { maxWeight: 10, weight: (n) => n },
  );
  await Promise.all([4, 4, 4, 25, 1].map((n) => c.submit(n)));
  assert.deepEqual(groups, [[4, 4], [4], [25], [1]]);
});

test('a failed flush rejects its own group only; close drains the rest', async () => {
  let calls = 0;
  const c = new GroupCommitter<string, string>(
    (items) => {
      calls++;
      if (items.includes('bad')) return Promise.reject(new Error('disk full'));
      return Promise.resolve(items);
    },
    { maxWeight: 1 },
  );
  const bad = c.submit('bad');
  const good = c.submit('good');
  await assert.rejects(bad, /disk full/);
  assert.equal(await good, 'good');
  const last = c.submit('last');
  await c.close();
  assert.equal(await last, 'last');
  assert.equal(calls, 3);
  await assert.rejects(c.submit('late'), /closed/);
});

test('with concurrency 2 the next group is written while the last one waits, and close waits for both', async () => {
  const groups: number[][] = [];
  const gates: (() => void)[] = [];
  const c = new GroupCommitter<number, number>(
    async (items) => {
      groups.push(items);
      await new Promise<void>((r) => gates.push(r));
      return items;
    },
    { maxWeight: 100, concurrency: 2 },
  );
  const first = c.submit(1);
  await new Promise((r) => setImmediate(r));
  const second = [2, 3].map((i) => c.submit(i));
  await new Promise((r) => setImmediate(r));
  const third = [4, 5].map((i) => c.submit(i));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(groups, [[1], [2, 3]], 'two groups at once, no third');
  let closed = false;
  const closing = c.close().then(() => (closed = true));
  gates[1]?.();
  assert.deepEqual(await Promise.all(second), [2, 3], 'the second answers before the first');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(groups, [[1], [2, 3], [4, 5]]);
  gates[0]?.();
  gates[2]?.();
  assert.equal(await first, 1);
  assert.deepEqual(await Promise.all(third), [4, 5]);
  await closing;
  assert.equal(closed, true);
});
