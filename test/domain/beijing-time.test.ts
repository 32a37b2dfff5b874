import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBeijing, reportDoneTime } from '../../src/domain/beijing-time.js';

const at = (h: number, m: number, s: number): number => {
  const ms = fromBeijing({ year: 2026, month: 12, day: 7, hour: h, minute: m, second: s });
  assert.ok(ms !== null);
  return ms;
};

test('a report keeps seconds: the carrier’s when it has them, else its arrival while the two agree', () => {
  // Submitted 10:00:50; the carrier says done at minute 10:00 and the report arrives at 10:00:51.
  assert.equal(reportDoneTime('2612071000', at(10, 0, 51)), at(10, 0, 51));
  assert.equal(reportDoneTime('2612071000', at(10, 1, 30)), at(10, 1, 30), 'shortly after that minute');
  assert.equal(reportDoneTime('261207100042', at(10, 5, 0)), at(10, 0, 42), 'seconds given are kept');
  // A report arriving an hour late: the carrier's minute is nearer the truth than the arrival.
  assert.equal(reportDoneTime('2612071000', at(11, 0, 3)), at(10, 0, 0));
  // A carrier clock ahead of ours: its minute, not an arrival before it.
  assert.equal(reportDoneTime('2612071005', at(10, 3, 0)), at(10, 5, 0));
  for (const bad of [undefined, '', '26120710', 'abcdefghij'])
    assert.equal(reportDoneTime(bad, at(10, 0, 7)), at(10, 0, 7), `${String(bad)}: the arrival`);
});
