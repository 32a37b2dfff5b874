/** The handsets: reassembly by (destination, sender, reference, total), fates per message, duplicates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Handsets, type ReceivedSegment } from '../../../src/protocols/simulator/handsets.js';

const seg = (over: Partial<ReceivedSegment>): ReceivedSegment => ({
  mobile: '13800138000',
  from: '1065712333',
  content: Buffer.from(over.text ?? 'x'),
  concat: null,
  text: 'x',
  msgId: '1',
  receivedAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  ...over,
});

test('a long message enters the inbox when its last segment arrives, in part order', () => {
  const h = new Handsets(() => false);
  const part = (partNo: number, text: string): ReceivedSegment =>
    seg({
      text,
      msgId: `m${partNo}`,
      concat: { reference: 5, total: 3, partNo },
      content: Buffer.from(`${partNo}${text}`),
    });
  assert.equal(h.record(part(2, 'B')).completed, null);
  assert.equal(h.record(part(3, 'C')).completed, null);
  const done = h.record(part(1, 'A')).completed;
  assert.deepEqual(done, {
    mobile: '13800138000',
    from: '1065712333',
    text: 'ABC',
    segments: 3,
    receivedAt: '2025-01-02T03:04:05.000Z',
    msgIds: ['m1', 'm2', 'm3'],
  });
  assert.deepEqual(h.inbox('13800138000'), [done]);
});

test('the same reference with another total, sender or handset is another message', () => {
  const h = new Handsets(() => false);
  h.record(seg({ text: 'a', concat: { reference: 1, total: 2, partNo: 1 } }));
  h.record(seg({ text: 'b', concat: { reference: 1, total: 3, partNo: 2 } }));
  h.record(seg({ text: 'c', from: '1065712333099', concat: { reference: 1, total: 2, partNo: 2 } }));
  h.record(seg({ text: 'd', mobile: '13900139000', concat: { reference: 1, total: 2, partNo: 2 } }));
  assert.equal(h.count(), 0);
  h.record(seg({ text: 'e', concat: { reference: 1, total: 2, partNo: 2 } }));
  assert.deepEqual(
    h.inbox().map((e) => e.text),
    ['ae'],
  );
});

test('the fate is chosen once per message and shared by its segments', () => {
  let asked = 0;
  const h = new Handsets(() => ++asked % 2 === 1);
  const r1 = h.record(seg({ concat: { reference: 9, total: 2, partNo: 1 } }));
  const r2 = h.record(seg({ concat: { reference: 9, total: 2, partNo: 2 } }));
  assert.equal(asked, 1);
  assert.equal(r1.failed, true);
  assert.equal(r2.failed, true);
  assert.equal(h.record(seg({ text: 'single' })).failed, false);
});

test('duplicates: same handset, sender and bytes', () => {
  const h = new Handsets(() => false);
  assert.equal(h.record(seg({ text: 'hi' })).duplicate, false);
  assert.equal(h.record(seg({ text: 'hi' })).duplicate, true);
  assert.equal(h.record(seg({ text: 'hi', from: '10657' })).duplicate, false);
  assert.equal(h.record(seg({ text: 'hi', mobile: '13900139000' })).duplicate, false);
  assert.equal(h.count(), 4, 'duplicates still reach the handset');
  h.clear();
  assert.equal(h.record(seg({ text: 'hi' })).duplicate, false);
});

test('paging and copies', () => {
  const h = new Handsets(() => false);
  for (let i = 0; i < 5; i++) h.record(seg({ text: `t${i}`, mobile: i % 2 ? '13900139000' : '13800138000' }));
  assert.deepEqual(
    h.inbox(undefined, 2, 1).map((e) => e.text),
    ['t1', 't2'],
  );
  assert.deepEqual(
    h.inbox('13800138000').map((e) => e.text),
    ['t0', 't2', 't4'],
  );
  assert.equal(h.count('13900139000'), 2);
  assert.deepEqual(h.inbox('13700137000'), []);
  h.inbox()[0]!.msgIds.push('tampered');
  assert.deepEqual(h.inbox()[0]!.msgIds, ['1']);
});
