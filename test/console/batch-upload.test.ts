/**
 * Uploaded batch files are parsed in a worker thread, streaming, with the row and text caps checked while
 * reading (docs/security.md §6): the event loop that serves the interface and the gateways keeps
 * turning while a workbook of the largest allowed size is read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { MAX_BATCH_ROWS, readBatchFile } from '../../src/console/batch-file.js';
import { ConsoleError } from '../../src/console/errors.js';

/** A workbook of `rows` data rows (mobile, name), written streaming. */
async function workbook(rows: number): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = writer.addWorksheet('名单');
  sheet.addRow(['mobile', 'name']).commit();
  for (let i = 0; i < rows; i += 1) sheet.addRow([13_800_000_000 + i, `张${i % 100}`]).commit();
  sheet.commit();
  await writer.commit();
  return Buffer.concat(chunks);
}

const refusedFor = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ConsoleError);
  assert.equal(err.body.code, 'SEND_BAD_FILE');
  assert.match(String(err.body.message), pattern);
  return true;
};

test('a workbook past the row cap is refused while read, in a worker, without stalling the event loop', async (t) => {
  const small = await readBatchFile('名单.xlsx', (await workbook(3)).toString('base64'));
  assert.deepEqual(small.columns, ['name']);
  assert.deepEqual(
    small.rows.map((r) => [r.line, r.mobile, r.values.name]),
    [
      [2, '13800000000', '张0'],
      [3, '13800000001', '张1'],
      [4, '13800000002', '张2'],
    ],
  );

  // One row more than allowed: the worker reads all MAX_BATCH_ROWS of them, then stops at the cap.
  const big = (await workbook(MAX_BATCH_ROWS + 1)).toString('base64');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = Date.now();
  await assert.rejects(readBatchFile('big.xlsx', big), refusedFor(/最多 100000 行/));
  delay.disable();
  const p99 = delay.percentile(99) / 1e6;
  t.diagnostic(
    `${MAX_BATCH_ROWS}-row workbook parsed in ${Date.now() - started} ms; event-loop delay p99 ${p99.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
  );
  assert.ok(p99 < 1000, `event-loop delay p99 ${p99} ms`);

  const csv = `mobile\n${'13800138000\n'.repeat(MAX_BATCH_ROWS + 1)}`;
  await assert.rejects(
    readBatchFile('big.csv', Buffer.from(csv).toString('base64')),
    refusedFor(/最多 100000 行/),
  );
  // Cell text past the cap stops the read too, however few the rows.
  const wide = `mobile,note\n${`13800138000,${'x'.repeat(4 * 1024 * 1024)}\n`.repeat(9)}`;
  await assert.rejects(
    readBatchFile('wide.csv', Buffer.from(wide).toString('base64')),
    refusedFor(/超过 32M 字符/),
  );
  await assert.rejects(
    readBatchFile('x.xlsx', Buffer.from('PK\u0003\u0004 not a zip').toString('base64')),
    refusedFor(/Excel|无法/),
  );
});
