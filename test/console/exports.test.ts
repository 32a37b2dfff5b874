/**
 * The bounds of the message export jobs: one running job per user (others may run theirs), the
 * progress the writer reports, and the file removed once its time is up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { exportJobs } from '../../src/console/exports.js';
import { eventually } from '../helpers/platform.js';

test('export jobs: one running per user, progress, the file expires', async (t) => {
  let now = 1_000_000;
  const jobs = exportJobs({ keepMs: 60_000, now: () => now });
  t.after(() => jobs.close());

  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const first = await jobs.start(7, 2, 'a.csv', async (write, progress) => {
    await write('\uFEFFh\r\n');
    await write('1\r\n');
    progress(1);
    await gate;
    await write('2\r\n');
    progress(2);
  });
  assert.ok(first);
  assert.equal(await jobs.start(7, 1, 'b.csv', () => Promise.resolve()), null, 'the same user waits');
  const other = await jobs.start(8, 0, 'c.csv', () => Promise.resolve());
  assert.ok(other, 'another user may export meanwhile');
  await eventually(() => (jobs.get(first.id)?.written === 1 ? true : undefined));
  assert.equal(jobs.get(first.id)?.state, 'running');

  release();
  await eventually(() => (jobs.get(first.id)?.state === 'done' ? true : undefined));
  assert.equal(jobs.get(first.id)?.written, 2);
  assert.equal(await readFile(first.file, 'utf8'), '\uFEFFh\r\n1\r\n2\r\n');
  assert.ok(await jobs.start(7, 0, 'd.csv', () => Promise.resolve()), 'a new one once the first is done');

  now += 61_000;
  assert.equal(jobs.get(first.id), undefined, 'forgotten after its time');
  await eventually(async () => {
    try {
      await access(first.file);
      return undefined;
    } catch {
      return true;
    }
  });
});
