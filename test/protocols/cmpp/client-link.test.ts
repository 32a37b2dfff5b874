/**
 * CMPP client link behaviour against the fake ISMG: window, TPS pacing (injected clock), keepalive,
 * lost links, garbage from the peer, TERMINATE both ways, and close() leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import type { Gateway, SubmitPart } from '../../../src/protocols/gateway.js';
import { FakeIsmg } from './fake-ismg.js';
import { bound, gatewayConfig, noHandlesLeft, partsOf, roundTrip, startGateway } from './client-helpers.js';

/** With a manual clock a failed test must still end: time is pushed past every bound close() waits on. */
async function closeWith(gateway: Gateway, clock: ManualClock): Promise<void> {
  const state = { done: false };
  const closing = gateway.close().then(() => (state.done = true));
  for (let turn = 0; turn < 100 && !state.done; turn++) {
    clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await closing;
}

const manyParts = (n: number): SubmitPart[] =>
  Array.from({ length: n }, (_, i) => partsOf(`message ${i}`)[0]!);

test('the window is never exceeded: with answers held, at most `window` SUBMITs are in flight per connection', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2', submit: () => 'hold' });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp2', { window: 4, connections: 2 }));
  try {
    await bound(gateway, recorder, 2);
    const outcomes = gateway.submit(manyParts(20));
    const held = (): number => ismg.connections.reduce((n, c) => n + c.held.length, 0);
    let answered = 0;
    while (answered < 20) {
      const expected = Math.min(8, 20 - answered);
      await ismg.until(() => held() === expected, `${expected} SUBMITs held`);
      const status = gateway.status();
      assert.equal(status.inFlight, expected, 'the client has written no more than it holds windows for');
      assert.equal(status.queued, 20 - answered - expected);
      if (status.queued > 0) assert.equal(gateway.capacity(), Math.max(0, 4 - status.queued));
      for (const c of ismg.connections) c.release();
      answered += expected;
    }
    const results = await outcomes;
    assert.ok(results.every((o) => o.kind === 'accepted'));
    assert.ok(ismg.connections.every((c) => c.maxOutstanding <= 4));
    assert.ok(
      ismg.connections.every((c) => c.maxOutstanding === 4),
      'both connections were used to the full',
    );
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('TPS: with an injected clock, SUBMITs go out at the configured rate and no faster', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp3' });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(
    gatewayConfig(ismg, 'cmpp3', { tps: 10, window: 100, requestTimeoutMs: 60_000 }),
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
    for (let k = 10; k < timeline.length; k++)
      assert.ok(timeline[k]! - timeline[k - 10]! <= 10, 'at most tps per second');
    const results = await all;
    assert.ok(results.every((o) => o.kind === 'accepted'));
    await gateway.close();
    assert.equal(clock.pending(), 0, 'close() leaves no timer behind');
  } finally {
    await closeWith(gateway, clock);
    await ismg.close();
  }
});

test('keepalive: ACTIVE_TEST after an idle spell keeps an answered link up', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2' });
  const { gateway, recorder } = startGateway(
    gatewayConfig(ismg, 'cmpp2', { keepaliveMs: 20, requestTimeoutMs: 200 }),
  );
  try {
    await bound(gateway, recorder);
    await ismg.until(() => ismg.of('CMPP_ACTIVE_TEST').length >= 3, 'three ACTIVE_TESTs');
    assert.equal(ismg.connections.length, 1);
    assert.equal(gateway.status().state, 'bound');
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('keepalive: 3 unanswered ACTIVE_TESTs drop the link, and it comes back', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp3', answerActiveTest: false });
  const { gateway, recorder } = startGateway(
    gatewayConfig(ismg, 'cmpp3', { keepaliveMs: 20, requestTimeoutMs: 20 }),
  );
  try {
    await bound(gateway, recorder);
    await ismg.until(() => ismg.connections.length >= 2, 'a reconnect');
    assert.equal(ismg.of('CMPP_ACTIVE_TEST', ismg.connections[0]).length, 3);
    assert.match(gateway.status().lastError ?? '', /ACTIVE_TEST/);
    assert.ok(gateway.status().counters.reconnects >= 1);
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test("the ISMG's ACTIVE_TEST is answered (Reserved 0); its TERMINATE is answered and the link comes back", async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2' });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp2'));
  try {
    await bound(gateway, recorder);
    await roundTrip(ismg);
    assert.equal(ismg.of('CMPP_ACTIVE_TEST_RESP')[0]?.reserved, 0);
    const first = ismg.connections[0]!;
    first.send({ command: 'CMPP_TERMINATE', sequenceId: 77 });
    await ismg.until(
      () => ismg.of('CMPP_TERMINATE_RESP', first).some((p) => p.sequenceId === 77),
      'TERMINATE_RESP',
    );
    await ismg.until(
      () => first.closed && ismg.connections.length === 2,
      'the old link closed and a new one opened',
    );
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('a link lost mid-window answers its in-flight parts `unanswered`, then reconnects and carries on', async () => {
  let hold = true;
  const ismg = await FakeIsmg.start({ version: 'cmpp3', submit: () => (hold ? 'hold' : { result: 0 }) });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp3'));
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(3));
    await ismg.until(() => ismg.connections[0]!.held.length === 3, 'three SUBMITs held');
    ismg.connections[0]!.socket.destroy();
    const outcomes = await pending;
    assert.deepEqual(
      outcomes.map((o) => [o.kind, o.kind === 'accepted' ? '' : o.code]),
      Array(3).fill(['unanswered', 'CMPP:LINK_LOST']),
    );
    hold = false;
    await ismg.until(() => ismg.connections.length === 2, 'a reconnect');
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.equal(gateway.status().counters.unanswered, 3);
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('garbage from the ISMG drops that link and reconnects; the process does not crash', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2' });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp2'));
  try {
    await bound(gateway, recorder);
    ismg.connections[0]!.socket.write(Buffer.from('ffffffffdeadbeef', 'hex')); // a Total_Length no PDU has
    await ismg.until(
      () => ismg.connections.length === 2 && ismg.connections[0]!.closed,
      'a reconnect after bad framing',
    );
    assert.match(gateway.status().lastError ?? '', /TOO_LONG/);
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    ismg.connections[1]!.socket.write(Buffer.from('0000000c0000000300000001', 'hex')); // well framed, unknown Command_Id
    await ismg.until(() => ismg.connections.length === 3, 'a reconnect after an undecodable PDU');
    assert.match(gateway.status().lastError ?? '', /UNKNOWN_COMMAND/);
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.ok(gateway.status().counters.errors >= 2);
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('close() waits for answers in flight, refuses new parts, then says TERMINATE; no timer is left', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp3', submit: () => 'hold' });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp3'), { clock });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(2));
    await ismg.until(() => ismg.connections[0]!.held.length === 2, 'two SUBMITs held');
    const closing = gateway.close();
    assert.equal(gateway.status().state, 'unbinding');
    assert.equal(gateway.capacity(), 0);
    const [late] = await gateway.submit(manyParts(1));
    assert.equal(late?.kind === 'retry' && late.code, 'CMPP:CLOSING');
    await roundTrip(ismg);
    assert.equal(ismg.of('CMPP_TERMINATE').length, 0, 'no TERMINATE while answers are outstanding');
    ismg.connections[0]!.release();
    assert.ok((await pending).every((o) => o.kind === 'accepted'));
    await closing;
    assert.equal(ismg.of('CMPP_TERMINATE').length, 1);
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
  } finally {
    await closeWith(gateway, clock);
    await ismg.close();
  }
});

test('close() is bounded: unanswered requests time out, a silent TERMINATE times out', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2', submit: () => 'hold', answerTerminate: false });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp2', { requestTimeoutMs: 1000 }), {
    clock,
  });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(1));
    await ismg.until(() => ismg.connections[0]!.held.length === 1, 'a SUBMIT held');
    const closing = gateway.close();
    clock.advance(1000);
    const [outcome] = await pending;
    assert.equal(outcome?.kind === 'unanswered' && outcome.code, 'CMPP:TIMEOUT');
    await ismg.until(() => ismg.of('CMPP_TERMINATE').length === 1, 'TERMINATE');
    clock.advance(1000);
    await closing;
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
    const { counters } = gateway.status();
    assert.deepEqual(
      [counters.submitted, counters.unanswered, counters.retried],
      [1, 1, 0],
      'each part ends exactly once',
    );
  } finally {
    await closeWith(gateway, clock);
    await ismg.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
