/**
 * The segment data in use: the bundled dataset, a file reloaded when it changes, a bad file refused
 * with the data in use kept, and `sms12333 phone lookup` as an operator runs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/bench/processes.js';
import { BUNDLED_PHONE_DATA, PhoneDataSource } from '../../src/pipeline/phone-data.js';
import { segmentCsv } from '../helpers/phone-data.js';

test('the bundled dataset: date, coverage and a known segment', () => {
  const source = new PhoneDataSource(BUNDLED_PHONE_DATA, null);
  const d = source.describe();
  assert.equal(d.date, '2026-07-30');
  assert.ok(d.entries > 100_000);
  assert.ok(d.blocks.includes('139') && d.blocks.includes('189'));
  // libphonenumber has no 16x/19x segments: they stay unknown (and local, docs/federation.md).
  assert.ok(!d.blocks.includes('199') && !d.blocks.includes('166'));
  assert.deepEqual(source.lookup('13998800000')?.province, '21');
  assert.equal(source.lookup('19912345678'), null);
});

test('a changed file is read again; a bad one is refused and the data in use stays', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'phone-data-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'segments.csv');
  writeFileSync(file, segmentCsv([{ prefix: '1390000', province: '21', city: '沈阳市' }], '2026-01-01'));
  const source = new PhoneDataSource(file, null, 20);
  t.after(() => source.close());
  source.watch();
  assert.equal(source.lookup('13900001234')?.province, '21');

  const changed = (check: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (check()) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - started > 5000) {
          clearInterval(timer);
          reject(new Error('not reloaded'));
        }
      }, 10);
    });
  writeFileSync(
    file,
    segmentCsv(
      [
        { prefix: '1390000', province: '46', city: '海口市' },
        { prefix: '1390001', province: '46', city: '三亚市' },
      ],
      '2026-02-01',
    ),
  );
  await changed(() => source.describe().date === '2026-02-01');
  assert.equal(source.lookup('13900001234')?.province, '46');

  writeFileSync(file, 'prefix,province,city,carrier\n1390000,46,海口市,\n1390001,火星,x,\n');
  await changed(() => source.describe().lastError !== null);
  assert.match(source.describe().lastError ?? '', /line 3/);
  assert.equal(source.describe().date, '2026-02-01', 'the data in use stays');
  assert.equal(source.lookup('13900011234')?.city, '三亚市');
});

test('sms12333 phone lookup prints carrier, province, city and the data date', async () => {
  const child = runCli(['phone', 'lookup', '+86 139 9880 0000']);
  const unknown = runCli(['phone', 'lookup', '19912345678']);
  assert.equal(await child.exited, 0, child.stderr());
  const out = child.stdout();
  assert.match(out, /中国移动 cmcc/);
  assert.match(out, /辽宁 21/);
  assert.match(out, /2026-07-30/);
  assert.equal(await unknown.exited, 3);
  assert.match(unknown.stdout(), /未知 unknown/);
});
