/** Keepalive timing on a manual clock: idle wait, resends, death after N, reset on traffic, stop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import { Keepalive } from '../../../src/protocols/session/keepalive.js';

function rig(probeOk = true): {
  clock: ManualClock;
  keepalive: Keepalive;
  probes: number[];
  deaths: number[];
} {
  const clock = new ManualClock(1000);
  const probes: number[] = [];
  const deaths: number[] = [];
  const keepalive = new Keepalive({
    clock,
    idleMs: 100,
    timeoutMs: 10,
    tries: 3,
    probe: () => {
      probes.push(clock.now());
      return probeOk;
    },
    dead: () => deaths.push(clock.now()),
  });
  return { clock, keepalive, probes, deaths };
}

test('a probe after idleMs, again every timeoutMs while nothing comes in, dead after `tries`', () => {
  const { clock, keepalive, probes, deaths } = rig();
  keepalive.start();
  clock.advance(99);
  assert.deepEqual(probes, []);
  clock.advance(100);
  assert.deepEqual(probes, [1100, 1110, 1120]);
  assert.deepEqual(deaths, [1130]);
  assert.equal(clock.pending(), 0);
});

test('traffic pushes the idle wait back and answers a probe; stop cancels everything', () => {
  const { clock, keepalive, probes, deaths } = rig();
  keepalive.start();
  clock.advance(50);
  keepalive.alive(); // at 1050: the next probe is due at 1150
  clock.advance(99);
  assert.deepEqual(probes, []);
  clock.advance(1);
  assert.deepEqual(probes, [1150]);
  clock.advance(5);
  keepalive.alive(); // the answer: no resend, a new idle wait from 1155
  clock.advance(99);
  assert.deepEqual(probes, [1150]);
  clock.advance(1);
  assert.deepEqual(probes, [1150, 1255]);
  keepalive.stop();
  assert.equal(clock.pending(), 0);
  clock.advance(1000);
  assert.deepEqual([probes.length, deaths.length], [2, 0]);
});

test('a probe that cannot be sent stops the probing', () => {
  const { clock, keepalive, probes, deaths } = rig(false);
  keepalive.start();
  clock.advance(1000);
  assert.deepEqual([probes, deaths], [[1100], []]);
  assert.equal(clock.pending(), 0);
});
