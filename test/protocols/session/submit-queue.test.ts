/**
 * The queue in front of every gateway's windows, on a manual clock with links whose slots and
 * answers the test controls: the best link is chosen, the token bucket paces, a queued item times
 * out as no-link or busy, an unencodable item is rejected, closing answers what waits, an item past
 * its write deadline or queued across a stall is never written, a written item keeps its place in
 * the window until its submitter recorded the outcome, and every item ends exactly once with its
 * parts counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SubmitOutcome } from '../../../src/protocols/gateway.js';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import { newGatewayCounters, SubmitQueue } from '../../../src/protocols/session/submit-queue.js';
import { silentLogger } from '../../../src/shared/log.js';

const CODES = {
  noLink: 'T:NO_LINK',
  busy: 'T:BUSY',
  closing: 'T:CLOSING',
  encode: 'T:ENCODE',
  late: 'T:LATE',
};

class FakeLink {
  written: string[] = [];
  private answers: ((o: SubmitOutcome) => void)[] = [];
  constructor(
    readonly name: string,
    public free: number,
    public bound = true,
  ) {}
  write(item: string): Promise<SubmitOutcome> {
    if (item === 'unencodable') throw new Error('Src_Id too long');
    this.written.push(item);
    this.free -= 1;
    return new Promise((resolve) => this.answers.push(resolve));
  }
  answer(outcome: SubmitOutcome): void {
    this.free += 1;
    this.answers.shift()?.(outcome);
  }
}

function rig(links: FakeLink[], tps = 1000, monotonic?: () => number, limit?: number) {
  const clock = new ManualClock(0);
  const counters = newGatewayCounters();
  let starved = 0;
  const queue = new SubmitQueue<FakeLink, string>({
    clock,
    log: silentLogger(),
    config: { tps, requestTimeoutMs: 1000 },
    codes: CODES,
    counters,
    links: () => links,
    anyUsable: () => links.some((l) => l.bound),
    write: (link, item) => link.write(item),
    starved: () => {
      starved += 1;
    },
    monotonic: monotonic ?? (() => clock.now()),
    ...(limit !== undefined && { limit: () => limit }),
  });
  return { clock, counters, queue, starved: () => starved };
}

const accepted = (id: string): SubmitOutcome => ({ kind: 'accepted', carrierMsgId: id });
const flush = () => new Promise((r) => setImmediate(r));

test('before open and after close every item is answered retry (closing) and counted', async () => {
  const { queue, counters } = rig([new FakeLink('a', 4)]);
  const early = await queue.enqueue('x', 3);
  assert.deepEqual(early, { kind: 'retry', code: CODES.closing, reason: '网关未启动 gateway not started' });
  assert.equal(counters.retried, 3);
  queue.open();
  queue.close();
  const late = await queue.enqueue('y');
  assert.equal(late.kind === 'retry' && late.reason, '网关正在关闭 gateway closing');
});

test('items go to the link with the most free slots; answers become outcomes and free the slot', async () => {
  const a = new FakeLink('a', 1);
  const b = new FakeLink('b', 2);
  const { queue, counters } = rig([a, b]);
  queue.open();
  const outcomes = ['m1', 'm2', 'm3', 'm4'].map((m) => queue.enqueue(m));
  assert.deepEqual(b.written, ['m1', 'm3']);
  assert.deepEqual(a.written, ['m2']);
  assert.equal(queue.length, 1, 'no slot left for m4');
  a.answer(accepted('c-2'));
  await flush();
  assert.deepEqual(a.written, ['m2', 'm4'], 'the freed slot takes the waiting item');
  b.answer(accepted('c-1'));
  b.answer({ kind: 'rejected', code: 'X', reason: 'refused' });
  a.answer(accepted('c-4'));
  const ends = await Promise.all(outcomes);
  assert.deepEqual(
    ends.map((o) => o.kind),
    ['accepted', 'accepted', 'rejected', 'accepted'],
  );
  assert.equal(counters.submitted, 4);
  assert.equal(counters.accepted, 3);
  assert.equal(counters.rejected, 1);
  await queue.settled();
});

test('a queued item times out as no-link without a bound link, as busy with one', async () => {
  const link = new FakeLink('a', 0, false);
  const { queue, clock, starved } = rig([link]);
  queue.open();
  const first = queue.enqueue('m1');
  assert.ok(starved() >= 1, 'told that no link had a slot');
  clock.advance(1000);
  const noLink = await first;
  assert.equal(noLink.kind === 'retry' && noLink.code, CODES.noLink);
  link.bound = true;
  const second = queue.enqueue('m2');
  clock.advance(1000);
  const busy = await second;
  assert.equal(busy.kind === 'retry' && busy.code, CODES.busy);
  assert.equal(queue.length, 0);
  assert.deepEqual(link.written, [], 'nothing was written');
});

test('an item that cannot be encoded is rejected at once and the next one still goes', async () => {
  const link = new FakeLink('a', 2);
  const { queue, counters } = rig([link]);
  queue.open();
  const bad = await queue.enqueue('unencodable');
  assert.equal(bad.kind === 'rejected' && bad.code, CODES.encode);
  assert.match(bad.kind === 'rejected' ? bad.reason : '', /Src_Id too long/);
  const good = queue.enqueue('m1');
  link.answer(accepted('c-1'));
  assert.equal((await good).kind, 'accepted');
  assert.equal(counters.submitted, 1, 'the rejected item was never submitted');
});

test('the token bucket paces writes: beyond the burst an item waits for the clock', () => {
  const link = new FakeLink('a', 100);
  const { queue, clock } = rig([link], 10);
  queue.open();
  for (let i = 0; i < 30; i++) void queue.enqueue(`m${i}`);
  const burst = link.written.length;
  assert.ok(burst > 0 && burst < 30, `a burst, not everything: ${burst}`);
  clock.advance(500);
  const later = link.written.length;
  assert.ok(later > burst && later <= burst + 6, `about tps × 0.5 s more: ${later - burst}`);
});

test('closing answers every waiting item retry and waits for written ones to end', async () => {
  const link = new FakeLink('a', 1);
  const { queue } = rig([link]);
  queue.open();
  const written = queue.enqueue('m1');
  const waiting = queue.enqueue('m2');
  queue.close();
  const w = await waiting;
  assert.equal(w.kind === 'retry' && w.code, CODES.closing);
  let settled = false;
  const done = queue.settled().then(() => {
    settled = true;
  });
  await flush();
  assert.equal(settled, false, 'the written item is still in flight');
  link.answer({ kind: 'unanswered', code: 'T:TIMEOUT', reason: 'no answer' });
  assert.equal((await written).kind, 'unanswered');
  await done;
});

test('at write time an item past its deadline, or queued across a stall, is answered retry unwritten', async () => {
  const link = new FakeLink('a', 0);
  const { queue, clock } = rig([link]);
  queue.open();
  const late = queue.enqueue('late', 1, 50);
  const onTime = queue.enqueue('on-time', 1, 500);
  clock.advance(100);
  link.free = 2;
  queue.pump();
  const l = await late;
  assert.equal(l.kind === 'retry' && l.code, CODES.late);
  assert.deepEqual(link.written, ['on-time']);
  link.answer({ kind: 'accepted', carrierMsgId: 'x' });
  assert.equal((await onTime).kind, 'accepted');

  // The process is stopped: monotonic time moves, no timer runs; on resume a slot frees first.
  let mono = 0;
  const b = new FakeLink('b', 0);
  const stalled = rig([b], 1000, () => mono);
  stalled.queue.open();
  const queued = stalled.queue.enqueue('queued-before-the-stop');
  mono += 15_000;
  b.free = 1;
  stalled.queue.pump();
  const q = await queued;
  assert.equal(q.kind === 'retry' && q.code, CODES.late);
  assert.match(q.kind === 'retry' ? q.reason : '', /stalled/);
  assert.deepEqual(b.written, []);
});

test('a written item holds its window place until its outcome is recorded; a long message goes on', async () => {
  const link = new FakeLink('a', 10);
  const { queue } = rig([link], 1000, undefined, 2);
  queue.open();
  let recordFirst = () => {};
  const first = new Promise<void>((r) => (recordFirst = r));
  let recordLong = () => {};
  const long = new Promise<void>((r) => (recordLong = r));
  const one = queue.enqueue('m1', 1, Infinity, first);
  // A three-part message: its parts are queued together behind m1.
  const parts = ['m2/1', 'm2/2', 'm2/3'].map((p) => queue.enqueue(p, 1, Infinity, long));
  const other = queue.enqueue('m3', 1, Infinity, Promise.resolve());
  assert.deepEqual(link.written, ['m1', 'm2/1'], 'the limit of two, though the link has room');
  assert.equal(queue.room(link.free, 2), 0, 'nothing more taken while the window awaits records');
  link.answer(accepted('c-1'));
  assert.equal((await one).kind, 'accepted', 'the outcome comes at once');
  await flush();
  assert.deepEqual(link.written, ['m1', 'm2/1'], 'm1 is answered, not yet recorded: its place stays taken');
  recordFirst();
  await flush();
  assert.deepEqual(
    link.written,
    ['m1', 'm2/1', 'm2/2', 'm2/3'],
    'a message longer than the window goes on once it alone fills it',
  );
  for (const id of ['c-2', 'c-3', 'c-4']) link.answer(accepted(id));
  await Promise.all(parts);
  await flush();
  assert.deepEqual(link.written.length, 4, 'm3 waits for the long message to be recorded');
  recordLong();
  await flush();
  assert.deepEqual(link.written.at(-1), 'm3');
  link.answer(accepted('c-5'));
  assert.equal((await other).kind, 'accepted');
  await flush();
  assert.equal(queue.room(link.free, 2), 4, 'every place free again, and a window to queue');
});
