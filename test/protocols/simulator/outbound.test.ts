/** What the carrier owes the platform: sent on its own link, else any bound link, else held; resent when a link is lost. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Outbound,
  type OutboundItem,
  type OutboundKind,
  type OutboundLink,
} from '../../../src/protocols/simulator/outbound.js';

function rig(): {
  out: Outbound<string>;
  sent: Record<OutboundKind, number>;
  acked: Record<OutboundKind, number>;
  link: (id: number) => OutboundLink<string> & { got: OutboundItem<string>[] };
} {
  const sent = { report: 0, mo: 0 };
  const acked = { report: 0, mo: 0 };
  const out = new Outbound<string>({ sent: (k) => sent[k]++, acked: (k) => acked[k]++ });
  const link = (id: number): OutboundLink<string> & { got: OutboundItem<string>[] } => {
    const got: OutboundItem<string>[] = [];
    return { id, got, write: (item) => got.push(item) };
  };
  return { out, sent, acked, link };
}

test('held until a link binds, then written there; acknowledged once', () => {
  const { out, sent, acked, link } = rig();
  const [item] = out.enqueue('report', ['r1'], 7);
  assert.equal(out.pending('report'), 1);
  assert.equal(sent.report, 0);
  const l1 = link(1);
  out.bind(l1);
  assert.deepEqual(
    l1.got.map((i) => i.payload),
    ['r1'],
    'its own link is gone, so any bound link takes it',
  );
  assert.equal(out.ack(item!.id, 2), false, 'not outstanding on link 2');
  assert.equal(out.ack(item!.id, 1), true);
  assert.equal(out.ack(item!.id, 1), false);
  assert.deepEqual([sent.report, acked.report, out.pending()], [1, 1, 0]);
});

test('prefers its own link; a lost link hands its unanswered items to another', () => {
  const { out, link, sent } = rig();
  const [a, b] = [link(1), link(2)];
  out.bind(a);
  out.bind(b);
  out.enqueue('report', ['for-b'], 2);
  out.enqueue('report', ['for-a'], 1);
  assert.deepEqual(
    b.got.map((i) => i.payload),
    ['for-b'],
  );
  assert.deepEqual(
    a.got.map((i) => i.payload),
    ['for-a'],
  );
  out.unbind(1);
  assert.deepEqual(
    b.got.map((i) => i.payload),
    ['for-b', 'for-a'],
  );
  out.unbind(2);
  const c = link(3);
  out.bind(c);
  assert.deepEqual(
    c.got.map((i) => i.payload),
    ['for-b', 'for-a'],
    'resent on the next bind, in order',
  );
  assert.equal(sent.report, 5);
});

test('the segments of one uplink go out on one link; a nack waits for the next bind', () => {
  const { out, link } = rig();
  const [a, b] = [link(1), link(2)];
  out.bind(a);
  out.bind(b);
  out.enqueue('mo', ['p1', 'p2', 'p3'], null);
  const carried = a.got.length > 0 ? a : b;
  assert.deepEqual(
    carried.got.map((i) => i.payload),
    ['p1', 'p2', 'p3'],
  );
  const first = carried.got[0]!;
  out.nack(first.id, carried.id);
  assert.equal(first.on, null);
  const c = link(3);
  out.bind(c);
  assert.deepEqual(
    c.got.map((i) => i.payload),
    ['p1'],
  );
  out.drop(first.id);
  assert.equal(out.pending('mo'), 2);
});

test('a refused item is offered again later even when no link binds meanwhile', () => {
  const sent = { report: 0, mo: 0 };
  const acked = { report: 0, mo: 0 };
  const due: (() => void)[] = [];
  const out = new Outbound<string>({ sent: (k) => sent[k]++, acked: (k) => acked[k]++ }, (fn) =>
    due.push(fn),
  );
  const got: OutboundItem<string>[] = [];
  out.bind({ id: 1, write: (item) => got.push(item) });
  const [report] = out.enqueue('report', ['r1'], 1);
  assert.ok(report);
  out.nack(report.id, 1);
  assert.equal(got.length, 1, 'not straight back');
  assert.equal(due.length, 1);
  due.shift()?.();
  assert.deepEqual(
    got.map((i) => i.payload),
    ['r1', 'r1'],
  );
  assert.ok(out.ack(report.id, 1));
  assert.equal(out.pending(), 0);
  assert.equal(acked.report, 1);
});
