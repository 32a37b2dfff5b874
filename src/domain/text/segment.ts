/**
 * Splits a text into the SMS a gateway submits (docs/design.md §5 Text): one SMS without a header when it
 * fits, otherwise concatenated segments that share one reference number, each with the 8-bit
 * reference concatenation UDH (TS 23.040 §9.2.3.24.1).
 */
import { encodeText } from './codec.js';
import { chooseCoding, MAX_SEGMENTS, segmentEnds } from './measure.js';
import type { Segment, TextProfile } from './types.js';
import { concatUdh } from './udh.js';

/**
 * The SMS of a text on a route with this profile. `reference` is the concatenation reference; only
 * its low 8 bits are sent. Throws RangeError beyond 255 segments, which the UDH cannot number:
 * admission caps messages far below that, so reaching it is a programming error.
 */
export function segmentText(text: string, profile: TextProfile, reference: number): Segment[] {
  const coding = chooseCoding(text, profile);
  const ends = segmentEnds(text, coding, profile);
  if (ends.length === 1) {
    return [{ partNo: 1, total: 1, coding, udh: null, payload: encodeText(text, coding), text }];
  }
  const total = ends.length;
  if (total > MAX_SEGMENTS) {
    throw new RangeError(`text needs ${total} segments; a concatenated SMS holds at most ${MAX_SEGMENTS}`);
  }
  const ref = reference & 0xff;
  let start = 0;
  return ends.map((end, index) => {
    const part = text.slice(start, end);
    start = end;
    const partNo = index + 1;
    return {
      partNo,
      total,
      coding,
      udh: concatUdh(ref, total, partNo),
      payload: encodeText(part, coding),
      text: part,
    };
  });
}

/**
 * The whole text as one piece, for a route that cuts it itself: another 12333 platform's interface
 * takes the text, not SMS (docs/federation.md). Coded as the profile would code it.
 */
export function wholeText(text: string, profile: TextProfile): Segment {
  const coding = chooseCoding(text, profile);
  return { partNo: 1, total: 1, coding, udh: null, payload: encodeText(text, coding), text };
}
