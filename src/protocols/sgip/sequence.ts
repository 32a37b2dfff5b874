/**
 * The SGIP Sequence Number (SGIP 1.2 §3.4; docs/protocols.md §2.1): three uint32 — the source node id, the
 * creation time as the decimal number mmddhhmmss (Beijing), and a counter that starts from 0 and
 * wraps. A response repeats its request's triple; a REPORT names the SUBMIT it is about by the
 * SUBMIT's triple, which is therefore the only key a platform has to match reports (docs/protocols.md §2.1).
 * The platform names that triple by the text `"<node>-<time>-<counter>"` (docs/protocols.md §9 item 7).
 */
import { formatBeijing } from '../../domain/beijing-time.js';
import type { Clock } from '../session/clock.js';

export interface SgipSequence {
  /** Source node id: SP `3AAAAQQQQQ`, SMG `1AAAAX` (§3.3). */
  node: number;
  /** mmddhhmmss as a decimal number, e.g. 1120203225 for 20 Nov 20:32:25. */
  time: number;
  counter: number;
}

/** The header fields of a PDU, as the field table names them (tables.ts). */
export interface SequenceFields {
  sequenceNode: number;
  sequenceTime: number;
  sequenceCounter: number;
}

/** The SubmitSequenceNumber fields of REPORT and TRACE. */
export interface SubmitSequenceFields {
  submitSequenceNode: number;
  submitSequenceTime: number;
  submitSequenceCounter: number;
}

export const sequenceOf = (pdu: SequenceFields): SgipSequence => ({
  node: pdu.sequenceNode,
  time: pdu.sequenceTime,
  counter: pdu.sequenceCounter,
});

export const sequenceFields = (s: SgipSequence): SequenceFields => ({
  sequenceNode: s.node,
  sequenceTime: s.time,
  sequenceCounter: s.counter,
});

export const submitSequenceOf = (pdu: SubmitSequenceFields): SgipSequence => ({
  node: pdu.submitSequenceNode,
  time: pdu.submitSequenceTime,
  counter: pdu.submitSequenceCounter,
});

export const submitSequenceFields = (s: SgipSequence): SubmitSequenceFields => ({
  submitSequenceNode: s.node,
  submitSequenceTime: s.time,
  submitSequenceCounter: s.counter,
});

/** The carrier message id the platform stores for a SUBMIT: `"<node>-<time>-<counter>"`, all decimal. */
export function sgipSequenceText(s: SgipSequence): string {
  return `${s.node}-${s.time}-${s.counter}`;
}

const UINT32 = 0xffffffff;
const TEXT = /^(\d{1,10})-(\d{1,10})-(\d{1,10})$/;

/** The triple of a `sgipSequenceText`, or null when the text is not one. */
export function parseSgipSequenceText(text: string): SgipSequence | null {
  const m = TEXT.exec(text);
  if (!m) return null;
  const [node, time, counter] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (node > UINT32 || time > UINT32 || counter > UINT32) return null;
  return { node, time, counter };
}

export const sameSequence = (a: SgipSequence, b: SgipSequence): boolean =>
  a.node === b.node && a.time === b.time && a.counter === b.counter;

/** The second word of a Sequence Number: Beijing mmddhhmmss as a number (§3.4). */
export function sgipTime(epochMs: number): number {
  return Number(formatBeijing(epochMs, 'MMddHHmmss'));
}

/**
 * An SP's node id `3AAAAQQQQQ` (§3.3): the long-distance area code left-aligned and padded with 0
 * to four digits, then the five-digit corporate code. Area 020, corp 92008 → 3020092008.
 */
export function sgipSpNodeId(areaCode: string, corpId: string): number {
  if (!/^\d{2,4}$/.test(areaCode) || !/^\d{5}$/.test(corpId))
    throw new RangeError(`area code of 2–4 digits and a 5-digit corp id expected: ${areaCode}, ${corpId}`);
  return Number(`3${areaCode.padEnd(4, '0')}${corpId}`);
}

/**
 * Sequence numbers a node sends: its node id, the time now and a counter that wraps after 2^32 − 1.
 * The counter may start anywhere (`start`): platform processes sharing one node id start apart so
 * that two of them do not name different SUBMITs alike within the same second.
 */
export class SgipSequencer {
  private counter: number;

  constructor(
    readonly node: number,
    private readonly clock: Pick<Clock, 'now'>,
    start = 0,
  ) {
    this.counter = (start >>> 0) - 1;
  }

  next(): SgipSequence {
    this.counter = this.counter >= UINT32 ? 0 : this.counter + 1;
    return { node: this.node, time: sgipTime(this.clock.now()), counter: this.counter };
  }
}
