/**
 * SGIP gateway link behaviour against a scripted fake SMG (raw-peers.ts): short connections (the
 * idle UNBIND and the reopen), the window (≤ 32, §3.1), TPS under an injected clock, a peer that
 * drops mid-window, temporary Results, a refused bind, close() leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Gateway } from '../../../src/protocols/gateway.js';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import {
  bound,
  freePort,
  manyParts,
  noHandlesLeft,
  partsOf,
  sgipConfig,
  SP_ACCOUNT,
  SP_SECRET,
  startGateway,
} from './gateway-helpers.js';
import { RawSgipServer, type RawServerOptions } from './raw-peers.js';

const smg = (options: RawServerOptions = {}): Promise<RawSgipServer> =>
  RawSgipServer.start({ login: { name: SP_ACCOUNT, password: SP_SECRET }, ...options });

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

test('BIND is Login Type 1 with the clear password; SUBMIT triples carry the node id and count up', async () => {
  const fake = await smg();
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, await freePort()));
  try {
    await bound(gateway, recorder);
    const [bind] = fake.of('SGIP_BIND');
    assert.deepEqual(
      { ...bind, sequenceTime: 0, sequenceCounter: 0 },
      {
        command: 'SGIP_BIND',
        sequenceNode: 3010012333,
        sequenceTime: 0,
        sequenceCounter: 0,
        loginType: 1,
        loginName: SP_ACCOUNT,
        loginPassword: SP_SECRET,
        reserve: '',
      },
    );
    const outcomes = await gateway.submit(manyParts(2));
    const submits = fake.of('SGIP_SUBMIT');
    assert.deepEqual(
      outcomes,
      submits.map((s) => ({
        kind: 'accepted',
        carrierMsgId: `${s.sequenceNode}-${s.sequenceTime}-${s.sequenceCounter}`,
      })),
    );
    assert.equal(submits[1]!.sequenceCounter, submits[0]!.sequenceCounter + 1);
    assert.equal(gateway.status().state, 'bound');
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('short connections: idle for idleCloseMs → UNBIND and close; still ready; parts reopen it', async () => {
  const fake = await smg();
  const { gateway, recorder } = startGateway(
    sgipConfig(fake.port, await freePort(), {}, { idleCloseMs: 100 }),
  );
  try {
    await bound(gateway, recorder);
    await fake.until(() => fake.of('SGIP_UNBIND').length === 1 && fake.links[0]!.closed, 'the idle UNBIND');
    await recorder.signal.until(() => gateway.status().state === 'idle', 'idle');
    assert.equal(gateway.status().bound, 1, 'an idle link after a good bind counts as ready');
    assert.equal(gateway.capacity(), 32, 'a full window, plus one of queue');
    assert.equal(gateway.status().lastError, null, 'going idle is not a problem');
    const [outcome] = await gateway.submit(partsOf('again'));
    assert.equal(outcome?.kind, 'accepted');
    assert.equal(fake.links.length, 2);
    assert.equal(fake.of('SGIP_BIND').length, 2);
    assert.equal(fake.of('SGIP_SUBMIT', fake.links[1]).length, 1);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('an UNBIND_RESP with a 9-octet body (Result + Reserve) is read without it: no error on any unbind', async () => {
  const fake = await smg({ unbindRespBody: Buffer.alloc(9) });
  const { gateway, recorder } = startGateway(
    sgipConfig(fake.port, await freePort(), {}, { idleCloseMs: 50 }),
  );
  try {
    await bound(gateway, recorder);
    for (const round of [1, 2]) {
      await fake.until(() => fake.of('SGIP_UNBIND').length === round, `idle UNBIND ${round}`);
      await recorder.signal.until(() => gateway.status().state === 'idle', `idle ${round}`);
      if (round === 1) assert.equal((await gateway.submit(partsOf('again')))[0]?.kind, 'accepted');
    }
    assert.equal(gateway.status().counters.errors, 0);
    assert.equal(gateway.status().lastError, null);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('the SMG closing an idle link (§3.1) or unbinding leaves the gateway idle, not failed', async () => {
  const fake = await smg();
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, await freePort()));
  try {
    await bound(gateway, recorder);
    fake.links[0]!.socket.destroy();
    await recorder.signal.until(() => gateway.status().state === 'idle', 'idle after the drop');
    assert.equal(gateway.status().counters.errors, 0);
    await gateway.submit(partsOf('reopen'));
    const link = fake.links[1]!;
    const unbind = link.seq();
    link.send({ command: 'SGIP_UNBIND', ...unbind });
    await link.answerTo(unbind, 'SGIP_UNBIND_RESP');
    await recorder.signal.until(() => gateway.status().state === 'idle', 'idle after the UNBIND');
    assert.equal(gateway.status().counters.errors, 0);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('the window is never exceeded: at most `window` SUBMITs await answers per connection, and never over 32', async () => {
  const fake = await smg({ submit: () => 'hold' });
  const { gateway, recorder } = startGateway(
    sgipConfig(fake.port, await freePort(), { window: 4, connections: 2 }),
  );
  try {
    await bound(gateway, recorder);
    await recorder.signal.until(() => gateway.status().bound === 2, 'two links');
    const outcomes = gateway.submit(manyParts(20));
    let answered = 0;
    while (answered < 20) {
      const expected = Math.min(8, 20 - answered);
      await fake.until(() => fake.held.length === expected, `${expected} SUBMITs held`);
      assert.equal(gateway.status().inFlight, expected);
      assert.equal(gateway.status().queued, 20 - answered - expected);
      fake.release();
      answered += expected;
    }
    assert.ok((await outcomes).every((o) => o.kind === 'accepted'));
    assert.equal(fake.maxHeld, 4);
  } finally {
    await gateway.close();
    await fake.close();
  }

  const wide = await smg({ submit: () => 'hold' });
  const second = startGateway(sgipConfig(wide.port, await freePort(), { window: 50 }));
  try {
    await bound(second.gateway, second.recorder);
    assert.equal(second.gateway.status().window, 32);
    const pending = second.gateway.submit(manyParts(40));
    await wide.until(() => wide.held.length === 32, '32 SUBMITs held');
    assert.equal(second.gateway.status().queued, 8);
    wide.release();
    await wide.until(() => wide.held.length === 8, 'the other 8');
    wide.release();
    assert.ok((await pending).every((o) => o.kind === 'accepted'));
    assert.equal(wide.maxHeld, 32);
  } finally {
    await second.gateway.close();
    await wide.close();
  }
});

test('TPS: with an injected clock, SUBMITs go out at the configured rate and no faster', async () => {
  const fake = await smg();
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(
    sgipConfig(fake.port, await freePort(), { tps: 10, window: 32, requestTimeoutMs: 60_000 }),
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
    for (let k = 10; k < timeline.length; k++) assert.ok(timeline[k]! - timeline[k - 10]! <= 10);
    assert.ok((await all).every((o) => o.kind === 'accepted'));
    await closeWith(gateway, clock);
    assert.equal(clock.pending(), 0, 'close() leaves no timer behind');
  } finally {
    await closeWith(gateway, clock);
    await fake.close();
  }
});

test('the SMG dropping mid-window: parts in flight are unanswered, the link comes back, parts go on', async () => {
  let hold = true;
  const fake = await smg({ submit: () => (hold ? 'hold' : 0) });
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, await freePort()));
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(3));
    await fake.until(() => fake.held.length === 3, 'three SUBMITs held');
    fake.links[0]!.socket.destroy();
    const outcomes = await pending;
    assert.deepEqual(
      outcomes.map((o) => [o.kind, o.kind === 'accepted' ? '' : o.code]),
      Array(3).fill(['unanswered', 'SGIP:LINK_LOST']),
    );
    assert.match(gateway.status().lastError ?? '', /peer closed/);
    hold = false;
    await fake.until(() => fake.links.length === 2, 'a reconnect');
    await bound(gateway, recorder);
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
    assert.equal(gateway.status().counters.unanswered, 3);
    assert.ok(gateway.status().counters.reconnects >= 1);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('flow control and busy Results retry; others reject with SGIP:<n>; an unencodable part is rejected', async () => {
  const results = [61, 11, 6];
  const fake = await smg({ submit: () => results.shift() ?? 0 });
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, await freePort()));
  try {
    await bound(gateway, recorder);
    const [tooFast] = await gateway.submit(partsOf('a'));
    const [busy] = await gateway.submit(partsOf('b'));
    const [badNumber] = await gateway.submit(partsOf('c'));
    assert.deepEqual(tooFast, { kind: 'retry', code: 'SGIP:61', reason: '发送过快 sending too fast' });
    assert.deepEqual(busy, { kind: 'retry', code: 'SGIP:11', reason: '节点忙 node busy' });
    assert.deepEqual(badNumber, {
      kind: 'rejected',
      code: 'SGIP:6',
      reason: '非法手机号码 illegal phone number',
    });
    const [tooLong] = await gateway.submit(partsOf('d').map((p) => ({ ...p, srcId: '1'.repeat(22) })));
    assert.equal(tooLong?.kind === 'rejected' && tooLong.code, 'SGIP:ENCODE');
    const [fine] = await gateway.submit(partsOf('e'));
    assert.equal(fine?.kind, 'accepted', 'the link survives a local encode error');
    const { counters } = gateway.status();
    assert.deepEqual([counters.retried, counters.rejected, counters.accepted], [2, 2, 1]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('garbage or an undecodable answer from the SMG drops that link (§3.7.2.4.2) and it comes back', async () => {
  const fake = await smg();
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, await freePort()));
  try {
    await bound(gateway, recorder);
    fake.links[0]!.socket.write(Buffer.from('ffffffffdeadbeef', 'hex'));
    await fake.until(() => fake.links.length === 2 && fake.links[0]!.closed, 'a reconnect after bad framing');
    assert.match(gateway.status().lastError ?? '', /TOO_LONG/);
    await bound(gateway, recorder);
    fake.links[1]!.socket.write(Buffer.from('0000001400000077000000010000000200000003', 'hex'));
    await fake.until(() => fake.links.length === 3, 'a reconnect after an unknown command');
    assert.match(gateway.status().lastError ?? '', /UNKNOWN_COMMAND/);
    await bound(gateway, recorder);
    const [after] = await gateway.submit(manyParts(1));
    assert.equal(after?.kind, 'accepted');
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('a refused BIND is an authentication problem; the gateway keeps trying with backoff', async () => {
  const fake = await smg({ login: { name: SP_ACCOUNT, password: 'other' } });
  const { gateway } = startGateway(sgipConfig(fake.port, await freePort(), { requestTimeoutMs: 300 }));
  try {
    await fake.until(() => fake.of('SGIP_BIND').length >= 3, 'three BIND attempts');
    assert.equal(gateway.status().bound, 0);
    assert.notEqual(gateway.status().state, 'bound');
    assert.match(gateway.status().lastError ?? '', /authentication failed: .*Result 1/);
    const [outcome] = await gateway.submit(partsOf('x'));
    assert.equal(outcome?.kind === 'retry' && outcome.code, 'SGIP:NO_LINK');
  } finally {
    await gateway.close();
    await fake.close();
  }
});

test('close() waits for answers in flight, refuses new parts, then says UNBIND; no timer is left', async () => {
  const fake = await smg({ submit: () => 'hold' });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, await freePort()), { clock });
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(2));
    await fake.until(() => fake.held.length === 2, 'two SUBMITs held');
    const closing = gateway.close();
    assert.equal(gateway.status().state, 'unbinding');
    assert.equal(gateway.capacity(), 0);
    const [late] = await gateway.submit(manyParts(1));
    assert.equal(late?.kind === 'retry' && late.code, 'SGIP:CLOSING');
    assert.equal(fake.of('SGIP_UNBIND').length, 0, 'no UNBIND while answers are outstanding');
    fake.release();
    assert.ok((await pending).every((o) => o.kind === 'accepted'));
    await closing;
    assert.equal(fake.of('SGIP_UNBIND').length, 1);
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
  } finally {
    await closeWith(gateway, clock);
    await fake.close();
  }
});

test('close() is bounded: unanswered requests time out, a silent UNBIND times out', async () => {
  const fake = await smg({ submit: () => 'hold', answerUnbind: false });
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const { gateway, recorder } = startGateway(
    sgipConfig(fake.port, await freePort(), { requestTimeoutMs: 1000 }),
    {
      clock,
    },
  );
  try {
    await bound(gateway, recorder);
    const pending = gateway.submit(manyParts(1));
    await fake.until(() => fake.held.length === 1, 'a SUBMIT held');
    const closing = gateway.close();
    clock.advance(1000);
    const [outcome] = await pending;
    assert.equal(outcome?.kind === 'unanswered' && outcome.code, 'SGIP:TIMEOUT');
    await fake.until(() => fake.of('SGIP_UNBIND').length === 1, 'UNBIND');
    clock.advance(1000);
    await closing;
    assert.equal(gateway.status().state, 'closed');
    assert.equal(clock.pending(), 0);
    const { counters } = gateway.status();
    assert.deepEqual([counters.submitted, counters.unanswered, counters.retried], [1, 1, 0]);
  } finally {
    await closeWith(gateway, clock);
    await fake.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
