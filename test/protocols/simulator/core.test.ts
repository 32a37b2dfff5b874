/** The protocol-agnostic core: id stamps, settings, seeded fates, reports through the scheduler. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/log.js';
import {
  SimulatorCore,
  type CoreOptions,
  type IdStamp,
  type OutgoingPayload,
} from '../../../src/protocols/simulator/core.js';
import type { OutboundItem } from '../../../src/protocols/simulator/outbound.js';
import type { Clock } from '../../../src/protocols/simulator/scheduler.js';

function manualClock(start: number): Clock & { set(ms: number): void; fire(): void } {
  let now = start;
  let pending: (() => void) | null = null;
  return {
    now: () => now,
    setTimer: (fn) => ((pending = fn), 1),
    clearTimer: () => (pending = null),
    set: (ms) => (now = ms),
    fire: () => {
      const fn = pending;
      pending = null;
      fn?.();
    },
  };
}

function core(over: Partial<CoreOptions<IdStamp>> = {}): SimulatorCore<IdStamp> {
  return new SimulatorCore<IdStamp>({
    account: 'a',
    secret: 's',
    dlrDelayMs: 100,
    failRate: 0,
    seed: 1,
    gatewayCode: 1,
    logger: silentLogger(),
    composeId: (stamp) => stamp,
    ...over,
  });
}

test('stamps: a rising 16-bit sequence; a second never names more than 65,536 ids', () => {
  const clock = manualClock(1_700_000_000_500);
  const c = core({ clock });
  const first = c.stamp();
  assert.deepEqual(first, { epochMs: 1_700_000_000_000, sequence: 0 });
  let last = first;
  for (let i = 1; i < 0x10000; i++) last = c.stamp();
  assert.deepEqual(last, { epochMs: 1_700_000_000_000, sequence: 0xffff });
  assert.deepEqual(c.stamp(), { epochMs: 1_700_000_001_000, sequence: 0 }, 'borrowed the next second');
  clock.set(1_700_000_005_000);
  assert.deepEqual(c.stamp(), { epochMs: 1_700_000_005_000, sequence: 1 });
});

test('settings are checked; reset restores the starting ones', () => {
  const c = core();
  assert.deepEqual(c.configure({ failRate: 0.5, submitResult: 8 }), {
    dlrDelayMs: 100,
    failRate: 0.5,
    submitResult: 8,
    answerSubmits: true,
    loginTimeoutMs: 10_000,
  });
  for (const bad of [
    { failRate: -0.1 },
    { dlrDelayMs: 1.5 },
    { submitResult: 256 },
    { failRate: Number.NaN },
  ]) {
    assert.throws(
      () => c.configure(bad),
      (err) => isAppError(err, 'ERR_SIMULATOR_CONFIG'),
    );
  }
  c.reset();
  assert.equal(c.config.failRate, 0);
});

test('a seed replays the same fates; failRate 0.5 fails about half', () => {
  const fates = (seed: number): boolean[] => {
    const c = core({ seed, failRate: 0.5 });
    return Array.from(
      { length: 200 },
      (_, i) =>
        c.handsets.record({
          mobile: '1',
          from: '2',
          content: Buffer.of(i),
          concat: null,
          text: '',
          msgId: '',
          receivedAt: 0,
        }).failed,
    );
  };
  assert.deepEqual(fates(42), fates(42));
  const failed = fates(42).filter(Boolean).length;
  assert.ok(failed > 60 && failed < 140, `${failed} of 200`);
});

test('a report is due after dlrDelayMs and goes to the submitting link', () => {
  const clock = manualClock(1_000_000);
  const c = core({ clock });
  const got: OutboundItem<OutgoingPayload<IdStamp>>[] = [];
  c.outbound.bind({ id: 3, write: (item) => got.push(item) });
  const msgId = c.newId();
  c.accept({
    mobile: '13800138000',
    terminal: '8613800138000',
    from: '10657',
    content: Buffer.from('x'),
    concat: null,
    text: 'x',
    msgId,
    msgIdText: 'x',
    wantReport: true,
    link: 3,
  });
  c.accept({
    mobile: '13800138000',
    terminal: '13800138000',
    from: '10657',
    content: Buffer.from('y'),
    concat: null,
    text: 'y',
    msgId,
    msgIdText: 'y',
    wantReport: false,
    link: 3,
  });
  assert.equal(c.stats().reportsPending, 1);
  clock.set(1_000_100);
  clock.fire();
  assert.equal(got.length, 1);
  const payload = got[0]!.payload;
  assert.ok(payload.kind === 'report');
  assert.deepEqual(
    { ...payload.report, deliverId: null },
    {
      deliverId: null,
      msgId,
      terminal: '8613800138000',
      srcId: '10657',
      stat: 'DELIVRD',
      submittedAt: 1_000_000,
      doneAt: 1_000_100,
      smscSequence: 1,
    },
  );
  assert.ok(c.outbound.ack(got[0]!.id, 3));
  assert.deepEqual(
    [c.stats().reportsSent, c.stats().reportsAcked, c.stats().reportsPending, c.stats().delivered],
    [1, 1, 0, 2],
  );
});

test('an uplink longer than 255 segments is refused', () => {
  const c = core();
  assert.throws(
    () => c.queueMo({ from: '1', to: '2', text: '字'.repeat(67 * 256) }),
    (err) => isAppError(err, 'ERR_SIMULATOR_MO_INVALID'),
  );
  assert.deepEqual(c.queueMo({ from: '1', to: '2', text: '字'.repeat(71) }), { segments: 2 });
  assert.equal(c.outbound.pending('mo'), 2);
});
