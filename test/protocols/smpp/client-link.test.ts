/**
 * SMPP gateway link behaviour against the fake SMSC: window, TPS pacing (injected clock),
 * enquire_link keepalive, lost links, garbage from the peer, and close() leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import type { Gateway, SubmitPart } from '../../../src/protocols/gateway.js';
import { FakeSmsc } from './fake-smsc.js';
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
  Array.from({ length: n }, (_, i) => partsOf(`message ${i}`, '13800138000', 7, i + 1)[0]!);

test('the window is never exceeded: with answers held, at most `window` submit_sm are in flight per connection', async () => {
  const smsc = await FakeSmsc.start({ submit: () => 'hold' });
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, { window: 4, connections: 2 }));
  try {
    await bound(gateway, recorder, 2);
    const outcomes = gateway.submit(manyParts(20));
    const held = (): number => smsc.connections.reduce((n, c) => n + c.held.length, 0);
    let answered = 0;
    while (answered < 20) {
      const expected = Math.min(8, 20 - answered);
      await smsc.until(() => held() === expected, `${expected} submit_sm held`);
      const status = gateway.status();
      assert.equal(status.inFlight, expected);
      assert.equal(status.queued, 20 - answered - expected);
      for (const c of smsc.connections) c.release();
      answered += expected;
    }
    assert.ok((await outcomes).every((o) => o.kind === 'accepted'));
    assert.ok(
      smsc.connections.every((c) => c.maxOutstanding === 4),
      'both connections used to the full, no more',
    );
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('TPS: with an injected clock, submit_sm go out at the configured rate and no faster', async () => {
  const smsc = await FakeSmsc.start();
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(
    gatewayConfig(smsc.port, { tps: 10, window: 100, requestTimeoutMs: 60_000 }),
    { clock },
  );
  try {
    await bound(gateway, recorder);
    const all = gateway.submit(manyParts(25));
    const timeline = [gateway.status().counters.submitted];
    for (let step = 1; step <= 30; step++) {
      clock.advance(100);
      timeline.push(gateway.status().counters.submitted);
    }
    // Burst of 1 (a tenth of a second's worth), then one token per 100 ms.
    assert.deepEqual(
      timeline,
      Array.from({ length: 31 }, (_, k) => Math.min(25, 1 + k)),
    );
    assert.ok((await all).every((o) => o.kind === 'accepted'));
    await gateway.close();
    assert.equal(clock.pending(), 0, 'close() leaves no timer behind');
  } finally {
    await closeWith(gateway, clock);
    await smsc.close();
  }
});

test('keepalive: enquire_link after an idle spell keeps an answered link up', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(
    gatewayConfig(smsc.port, { keepaliveMs: 20, requestTimeoutMs: 200 }),
  );
  try {
    await bound(gateway, recorder);
    await smsc.until(() => smsc.of('enquire_link').length >= 3, 'three enquire_links');
    assert.equal(smsc.connections.length, 1);
    assert.equal(gateway.status().state, 'bound');
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('keepalive: 3 unanswered enquire_links drop the link, and it comes back', async () => {
  const smsc = await FakeSmsc.start({ answerEnquireLink: false });
  const { gateway, recorder } = startGateway(
    gatewayConfig(smsc.port, { keepaliveMs: 20, requestTimeoutMs: 20 }),
  );
  try {
    await bound(gateway, recorder);
    await smsc.until(() => smsc.connections.length >= 2, 'a reconnect');
    assert.equal(smsc.of('enquire_link', smsc.connections[0]).length, 3);
    assert.match(gateway.status().lastError ?? '', /enquire_link/);
    assert.ok(gateway.status().counters.reconnects >= 1);
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('the peer drops mid-window: in-flight parts are `unanswered`, then it reconnects and carries on', async () => {
  let hold = true;
  const smsc = await FakeSmsc.start({ submit: () => (hold ? 'hold' : { status: 0 }) });
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(3));
    await smsc.until(() => smsc.connections[0]!.held.length === 3, 'three submit_sm held');
    smsc.connections[0]!.socket.destroy();
    const outcomes = await pending;
    assert.deepEqual(
      outcomes.map((o) => [o.kind, o.kind === 'accepted' ? '' : o.code]),
      Array(3).fill(['unanswered', 'SMPP:LINK_LOST']),
    );
    hold = false;
    await smsc.until(() => smsc.connections.length === 2, 'a reconnect');
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.equal(gateway.status().counters.unanswered, 3);
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('garbage from the SMSC: bad framing or a response that does not decode drops the link and it reconnects', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    smsc.connections[0]!.socket.write(Buffer.from('ffffffffdeadbeef', 'hex'));
    await smsc.until(() => smsc.connections.length === 2 && smsc.connections[0]!.closed, 'a reconnect');
    assert.match(gateway.status().lastError ?? '', /TOO_LONG/);
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    // A submit_sm_resp whose message_id runs past its 65 octets without NUL.
    const resp = Buffer.concat([
      Buffer.from('0000005a800000040000000000000001', 'hex'),
      Buffer.alloc(74, 0x41),
    ]);
    smsc.connections[1]!.socket.write(resp);
    await smsc.until(() => smsc.connections.length === 3, 'a reconnect after an undecodable response');
    assert.match(gateway.status().lastError ?? '', /TOO_LONG/);
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.ok(gateway.status().counters.errors >= 2);
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('a request whose body does not decode gets generic_nack ESME_RINVCMDLEN; the link stays', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    smsc.connections[0]!.socket.write(Buffer.from('00000014000000050000000000000042aabbccdd', 'hex'));
    await smsc.until(() => smsc.of('generic_nack').length === 1, 'generic_nack');
    assert.deepEqual(smsc.of('generic_nack')[0], {
      command: 'generic_nack',
      commandStatus: 2,
      sequenceNumber: 0x42,
    });
    await roundTrip(smsc);
    assert.equal(smsc.connections.length, 1);
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('close() waits for answers in flight, then unbinds; no timer is left', async () => {
  const smsc = await FakeSmsc.start({ submit: () => 'hold' });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port), { clock });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(2));
    await smsc.until(() => smsc.connections[0]!.held.length === 2, 'two submit_sm held');
    const closing = gateway.close();
    assert.equal(gateway.status().state, 'unbinding');
    assert.equal(gateway.capacity(), 0);
    await roundTrip(smsc);
    assert.equal(smsc.of('unbind').length, 0, 'no unbind while answers are outstanding');
    smsc.connections[0]!.release();
    assert.ok((await pending).every((o) => o.kind === 'accepted'));
    await closing;
    assert.equal(smsc.of('unbind').length, 1);
    assert.equal(clock.pending(), 0);
  } finally {
    await closeWith(gateway, clock);
    await smsc.close();
  }
});

test('close() is bounded: unanswered submits time out, a silent unbind times out', async () => {
  const smsc = await FakeSmsc.start({ submit: () => 'hold', answerUnbind: false });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, { requestTimeoutMs: 1000 }), { clock });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(1));
    await smsc.until(() => smsc.connections[0]!.held.length === 1, 'a submit_sm held');
    const closing = gateway.close();
    clock.advance(1000);
    const [outcome] = await pending;
    assert.equal(outcome?.kind === 'unanswered' && outcome.code, 'SMPP:TIMEOUT');
    await smsc.until(() => smsc.of('unbind').length === 1, 'unbind');
    clock.advance(1000);
    await closing;
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
    const { counters } = gateway.status();
    assert.deepEqual([counters.submitted, counters.unanswered, counters.retried], [1, 1, 0]);
  } finally {
    await closeWith(gateway, clock);
    await smsc.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
