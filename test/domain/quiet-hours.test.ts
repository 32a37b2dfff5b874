import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromBeijing, toBeijing } from '../../src/domain/beijing-time.js';
import {
  isQuiet,
  parseClockTime,
  quietWindow,
  releaseTime,
  type QuietWindow,
} from '../../src/domain/quiet-hours.js';

/** Epoch ms of a Beijing wall-clock time (milliseconds added after the seconds). */
function bj(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second = 0,
  ms = 0,
): number {
  const t = fromBeijing({ year, month, day, hour, minute, second });
  if (t === null) throw new Error('not a time');
  return t + ms;
}

const NIGHT = quietWindow({ start: '21:00', end: '08:00' })!;
const NOON = quietWindow({ start: '12:00', end: '14:00' })!;

test('clock times are HH:mm from 00:00 to 23:59', () => {
  assert.equal(parseClockTime('00:00'), 0);
  assert.equal(parseClockTime('08:00'), 480);
  assert.equal(parseClockTime('21:30'), 1290);
  assert.equal(parseClockTime('23:59'), 1439);
  for (const bad of ['24:00', '8:00', '08:0', '08:60', '0800', ' 08:00', '08:00 ', '０８:００', ''])
    assert.equal(parseClockTime(bad), null, bad);
});

test('a window is absent when unset, malformed or empty', () => {
  assert.deepEqual(NIGHT, { startMinute: 1260, endMinute: 480 });
  assert.equal(quietWindow(null), null);
  assert.equal(quietWindow(undefined), null);
  assert.equal(quietWindow({ start: '21:00', end: '21:00' }), null);
  assert.equal(quietWindow({ start: '25:00', end: '08:00' }), null);
  const t = bj(2026, 11, 28, 23, 0);
  assert.equal(releaseTime(t, null), t);
  assert.equal(isQuiet(t, null), false);
});

test('a window across midnight: evening and early morning wait for 08:00', () => {
  // Evening: the next morning.
  assert.equal(releaseTime(bj(2026, 11, 28, 22, 30), NIGHT), bj(2026, 11, 29, 8, 0));
  assert.equal(releaseTime(bj(2026, 11, 28, 23, 59, 59, 999), NIGHT), bj(2026, 11, 29, 8, 0));
  // Beijing midnight is 16:00 UTC the day before: still the same night's window.
  assert.equal(releaseTime(bj(2026, 11, 29, 0, 0), NIGHT), bj(2026, 11, 29, 8, 0));
  assert.equal(releaseTime(Date.UTC(2026, 10, 28, 16, 0), NIGHT), Date.UTC(2026, 10, 29, 0, 0));
  // Early morning: the same morning.
  assert.equal(releaseTime(bj(2026, 11, 29, 3, 0), NIGHT), bj(2026, 11, 29, 8, 0));
  // Over the year's end and a leap day.
  assert.equal(releaseTime(bj(2026, 12, 31, 21, 0), NIGHT), bj(2027, 1, 1, 8, 0));
  assert.equal(releaseTime(bj(2028, 2, 28, 22, 0), NIGHT), bj(2028, 2, 29, 8, 0));
  // Daytime goes at once.
  for (const t of [bj(2026, 11, 28, 8, 0, 0, 1), bj(2026, 11, 28, 12, 0), bj(2026, 11, 28, 20, 59)])
    assert.equal(releaseTime(t, NIGHT), t);
});

test('the window starts at its start and ends at its end (to the millisecond)', () => {
  const start = bj(2026, 11, 28, 21, 0);
  const end = bj(2026, 11, 29, 8, 0);
  assert.equal(isQuiet(start - 1, NIGHT), false);
  assert.equal(releaseTime(start - 1, NIGHT), start - 1);
  assert.equal(isQuiet(start, NIGHT), true);
  assert.equal(releaseTime(start, NIGHT), end);
  assert.equal(isQuiet(end - 1, NIGHT), true);
  assert.equal(releaseTime(end - 1, NIGHT), end);
  assert.equal(isQuiet(end, NIGHT), false);
  assert.equal(releaseTime(end, NIGHT), end);
});

test('a window within one day (12:00–14:00)', () => {
  assert.equal(releaseTime(bj(2026, 11, 28, 11, 59, 59, 999), NOON), bj(2026, 11, 28, 11, 59, 59, 999));
  assert.equal(releaseTime(bj(2026, 11, 28, 12, 0), NOON), bj(2026, 11, 28, 14, 0));
  assert.equal(releaseTime(bj(2026, 11, 28, 13, 59, 59), NOON), bj(2026, 11, 28, 14, 0));
  assert.equal(releaseTime(bj(2026, 11, 28, 14, 0), NOON), bj(2026, 11, 28, 14, 0));
  assert.equal(releaseTime(bj(2026, 11, 28, 23, 0), NOON), bj(2026, 11, 28, 23, 0));
});

test('a scheduled send time inside the window waits like any other', () => {
  // sendTime 2026-12-01 06:30 Beijing → 08:00 that morning; 21:15 → 08:00 the next morning.
  assert.equal(releaseTime(bj(2026, 12, 1, 6, 30), NIGHT), bj(2026, 12, 1, 8, 0));
  assert.equal(releaseTime(bj(2026, 12, 1, 21, 15), NIGHT), bj(2026, 12, 2, 8, 0));
});

test('Beijing time whatever the host zone (no daylight saving)', () => {
  const saved = process.env.TZ;
  try {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC']) {
      process.env.TZ = zone;
      // Nights when the host's zone changes its clocks.
      assert.equal(releaseTime(bj(2026, 3, 8, 22, 0), NIGHT), bj(2026, 3, 9, 8, 0), zone);
      assert.equal(releaseTime(bj(2026, 10, 25, 7, 0), NIGHT), bj(2026, 10, 25, 8, 0), zone);
      assert.equal(releaseTime(bj(2026, 11, 1, 23, 0), NIGHT), bj(2026, 11, 2, 8, 0), zone);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

const clock = fc.integer({ min: 0, max: 1439 });
const anyWindow = fc
  .tuple(clock, clock)
  .filter(([a, b]) => a !== b)
  .map(([startMinute, endMinute]): QuietWindow => ({ startMinute, endMinute }));
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });

/** The window by the wall clock, an oracle independent of the arithmetic under test. */
function quietByWallClock(at: number, w: QuietWindow): boolean {
  const c = toBeijing(at);
  const minute = c.hour * 60 + c.minute;
  return w.startMinute < w.endMinute
    ? minute >= w.startMinute && minute < w.endMinute
    : minute >= w.startMinute || minute < w.endMinute;
}

test('property: quiet exactly when the Beijing wall clock is inside the window', () => {
  fc.assert(
    fc.property(instant, anyWindow, (at, w) => isQuiet(at, w) === quietByWallClock(at, w)),
    {
      numRuns: 5000,
    },
  );
});

test('property: release is the first instant at or after the send time outside the window', () => {
  fc.assert(
    fc.property(instant, anyWindow, fc.double({ min: 0, max: 1, noNaN: true }), (at, w, f) => {
      const r = releaseTime(at, w);
      assert.ok(r >= at && r - at < 24 * 3600 * 1000);
      assert.equal(isQuiet(r, w), false, 'never released inside the window');
      assert.equal(releaseTime(r, w), r, 'idempotent');
      if (!isQuiet(at, w)) assert.equal(r, at, 'outside: at once');
      else {
        const c = toBeijing(r);
        assert.equal(c.hour * 60 + c.minute, w.endMinute, 'inside: at the window end');
        assert.equal(c.second, 0);
        assert.equal(r % 1000, 0);
        // Every instant before the release is still quiet.
        const between = at + Math.floor(f * (r - at - 1));
        assert.equal(isQuiet(between, w), true);
        assert.equal(isQuiet(r - 1, w), true);
      }
    }),
    { numRuns: 5000 },
  );
});
