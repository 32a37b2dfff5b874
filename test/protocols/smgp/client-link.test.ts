/**
 * SMGP client link behaviour against the fake SMGW: window, TPS pacing (injected clock), keepalive,
 * lost links, garbage from the peer, Exit both ways, and close() leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import type { SubmitPart } from '../../../src/protocols/gateway.js';
import { FakeSmgw } from './fake-smgw.js';
import {
  bound,
  closeWith,
  gatewayConfig,
  noHandlesLeft,
  partsOf,
  roundTrip,
  startGateway,
} from './client-helpers.js';

const manyParts = (n: number): SubmitPart[] =>
  Array.from({ length: n }, (_, i) => partsOf(`message ${i}`, '13300133000')[0]!);

test('the window is never exceeded: with answers held, at most `window` Submits are in flight per connection', async () => {
  const smgw = await FakeSmgw.start({ submit: () => 'hold' });
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port, { window: 4, connections: 2 }));
  try {
    await bound(gateway, recorder, 2);
    const outcomes = gateway.submit(manyParts(20));
    const held = (): number => smgw.connections.reduce((n, c) => n + c.held.length, 0);
    let answered = 0;
    while (answered < 20) {
      const expected = Math.min(8, 20 - answered);
      await smgw.until(() => held() === expected, `${expected} Submits held`);
      const status = gateway.status();
      assert.equal(status.inFlight, expected, 'the client has written no more than it holds windows for');
      assert.equal(status.queued, 20 - answered - expected);
      for (const c of smgw.connections) c.release();
      answered += expected;
    }
    assert.ok((await outcomes).every((o) => o.kind === 'accepted'));
    assert.ok(
      smgw.connections.every((c) => c.maxOutstanding === 4),
      'both connections used to the full, never more',
    );
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('TPS: with an injected clock, Submits go out at the configured rate and no faster', async () => {
  const smgw = await FakeSmgw.start();
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(
    gatewayConfig(smgw.port, { tps: 10, window: 100, requestTimeoutMs: 60_000 }),
    { clock },
  );
  try {
    await bound(gateway, recorder);
    const all = gateway.submit(manyParts(25));
    // Burst of 1 (a tenth of a second's worth), then one token per 100 ms.
    const timeline = [gateway.status().counters.submitted];
    for (let step = 1; step <= 30; step++) {
      clock.advance(100);
      timeline.push(gateway.status().counters.submitted);
    }
    assert.deepEqual(
      timeline,
      Array.from({ length: 31 }, (_, k) => Math.min(25, 1 + k)),
    );
    assert.ok((await all).every((o) => o.kind === 'accepted'));
    await smgw.until(() => smgw.of('SMGP_SUBMIT').length === 25, 'all Submits on the wire');
    await gateway.close();
    assert.equal(clock.pending(), 0, 'close() leaves no timer behind');
  } finally {
    await closeWith(gateway, clock);
    await smgw.close();
  }
});

test('keepalive: Active_Test after an idle spell keeps an answered link up', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(
    gatewayConfig(smgw.port, { keepaliveMs: 20, requestTimeoutMs: 200 }),
  );
  try {
    await bound(gateway, recorder);
    await smgw.until(() => smgw.of('SMGP_ACTIVE_TEST').length >= 3, 'three Active_Tests');
    assert.equal(smgw.connections.length, 1);
    assert.equal(gateway.status().state, 'bound');
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('keepalive: 3 unanswered Active_Tests drop the link, and it comes back', async () => {
  const smgw = await FakeSmgw.start({ answerActiveTest: false });
  const { gateway, recorder } = startGateway(
    gatewayConfig(smgw.port, { keepaliveMs: 20, requestTimeoutMs: 20 }),
  );
  try {
    await bound(gateway, recorder);
    await smgw.until(() => smgw.connections.length >= 2, 'a reconnect');
    assert.equal(smgw.of('SMGP_ACTIVE_TEST', smgw.connections[0]).length, 3);
    assert.match(gateway.status().lastError ?? '', /Active_Test/);
    assert.ok(gateway.status().counters.reconnects >= 1);
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test("the SMGW's Active_Test is answered (no body); its Exit is answered and the link comes back", async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    await roundTrip(smgw);
    const first = smgw.connections[0]!;
    first.send({ command: 'SMGP_EXIT', sequenceId: 77 });
    await smgw.until(() => smgw.of('SMGP_EXIT_RESP', first).some((p) => p.sequenceId === 77), 'Exit_Resp');
    await smgw.until(
      () => first.closed && smgw.connections.length === 2,
      'the old link closed, a new one open',
    );
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('a link lost mid-window answers its in-flight parts `unanswered`, then reconnects and carries on', async () => {
  let hold = true;
  const smgw = await FakeSmgw.start({ submit: () => (hold ? 'hold' : { status: 0 }) });
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(3));
    await smgw.until(() => smgw.connections[0]!.held.length === 3, 'three Submits held');
    smgw.connections[0]!.socket.destroy();
    const outcomes = await pending;
    assert.deepEqual(
      outcomes.map((o) => [o.kind, o.kind === 'accepted' ? '' : o.code]),
      Array(3).fill(['unanswered', 'SMGP:LINK_LOST']),
    );
    hold = false;
    await smgw.until(() => smgw.connections.length === 2, 'a reconnect');
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.equal(gateway.status().counters.unanswered, 3);
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('garbage from the SMGW drops that link and reconnects; the process does not crash', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    smgw.connections[0]!.socket.write(Buffer.from('ffffffffdeadbeef', 'hex')); // a PacketLength no PDU has
    await smgw.until(() => smgw.connections.length === 2 && smgw.connections[0]!.closed, 'a reconnect');
    assert.match(gateway.status().lastError ?? '', /TOO_LONG/);
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    smgw.connections[1]!.socket.write(Buffer.from('0000000c0000000500000001', 'hex')); // RequestID 5 (Forward)
    await smgw.until(() => smgw.connections.length === 3, 'a reconnect after an undecodable PDU');
    assert.match(gateway.status().lastError ?? '', /UNKNOWN_COMMAND/);
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    smgw.connections[2]!.socket.write(Buffer.from('0000000d800000020000000100', 'hex')); // a Submit_Resp cut short
    await smgw.until(() => smgw.connections.length === 4, 'a reconnect after a truncated PDU');
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.ok(gateway.status().counters.errors >= 3);
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('close() waits for answers in flight, refuses new parts, then says Exit; no timer is left', async () => {
  const smgw = await FakeSmgw.start({ submit: () => 'hold' });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port), { clock });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(2));
    await smgw.until(() => smgw.connections[0]!.held.length === 2, 'two Submits held');
    const closing = gateway.close();
    assert.equal(gateway.status().state, 'unbinding');
    assert.equal(gateway.capacity(), 0);
    const [late] = await gateway.submit(manyParts(1));
    assert.equal(late?.kind === 'retry' && late.code, 'SMGP:CLOSING');
    await roundTrip(smgw);
    assert.equal(smgw.of('SMGP_EXIT').length, 0, 'no Exit while answers are outstanding');
    smgw.connections[0]!.release();
    assert.ok((await pending).every((o) => o.kind === 'accepted'));
    await closing;
    assert.equal(smgw.of('SMGP_EXIT').length, 1);
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
  } finally {
    await closeWith(gateway, clock);
    await smgw.close();
  }
});

test('close() is bounded: unanswered requests time out, a silent Exit times out', async () => {
  const smgw = await FakeSmgw.start({ submit: () => 'hold', answerExit: false });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port, { requestTimeoutMs: 1000 }), { clock });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(1));
    await smgw.until(() => smgw.connections[0]!.held.length === 1, 'a Submit held');
    const closing = gateway.close();
    clock.advance(1000);
    const [outcome] = await pending;
    assert.equal(outcome?.kind === 'unanswered' && outcome.code, 'SMGP:TIMEOUT');
    await smgw.until(() => smgw.of('SMGP_EXIT').length === 1, 'Exit');
    clock.advance(1000);
    await closing;
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
    const { counters } = gateway.status();
    assert.deepEqual([counters.submitted, counters.unanswered, counters.retried], [1, 1, 0]);
  } finally {
    await closeWith(gateway, clock);
    await smgw.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
