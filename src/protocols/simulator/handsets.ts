/**
 * The handsets: what each destination number received. Segments of a long message are held until
 * all have arrived and then enter the inbox as one message (protocols docs/protocols.md §1.9: reassemble by
 * sender, receiver and UDH reference; each segment decoded with its own Msg_Fmt before joining).
 * The group key also carries the total, because references are reused across different totals
 * (SMSGate testSameRefNoDiffpkTol).
 *
 * Each message's fate (delivered or failed) is chosen once, when its first segment arrives, so all
 * its segments are reported alike.
 */
import { createHash } from 'node:crypto';
import type { ConcatInfo } from '../../domain/text/index.js';
import type { InboxEntry } from './types.js';

export interface ReceivedSegment {
  mobile: string;
  from: string;
  /** The whole user data as sent (UDH + text bytes): what duplicate detection compares. */
  content: Uint8Array;
  /** From the UDH when TP_udhi was set; null for a single SMS. */
  concat: ConcatInfo | null;
  /** This segment's characters, decoded with its own coding. */
  text: string;
  msgId: string;
  receivedAt: number;
}

export interface RecordResult {
  duplicate: boolean;
  /** The fate of the message this segment belongs to. */
  failed: boolean;
  /** The message, when this segment completed it. */
  completed: InboxEntry | null;
}

interface Group {
  failed: boolean;
  total: number;
  parts: Map<number, { text: string; msgId: string }>;
}

export class Handsets {
  private readonly all: InboxEntry[] = [];
  private readonly byMobile = new Map<string, InboxEntry[]>();
  private readonly groups = new Map<string, Group>();
  private readonly seen = new Set<string>();

  /** `decideFailed` is asked once per message. */
  constructor(private readonly decideFailed: () => boolean) {}

  record(segment: ReceivedSegment): RecordResult {
    const duplicate = this.remember(segment);
    const concat = segment.concat;
    if (concat === null || concat.total === 1) {
      const failed = this.decideFailed();
      return {
        duplicate,
        failed,
        completed: this.deliver(segment, [{ text: segment.text, msgId: segment.msgId }]),
      };
    }
    const key = `${segment.mobile}\u0000${segment.from}\u0000${concat.reference}\u0000${concat.total}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { failed: this.decideFailed(), total: concat.total, parts: new Map() };
      this.groups.set(key, group);
    }
    // A repeated part number keeps the first copy: it cannot complete the message twice.
    if (!group.parts.has(concat.partNo))
      group.parts.set(concat.partNo, { text: segment.text, msgId: segment.msgId });
    if (group.parts.size < group.total) return { duplicate, failed: group.failed, completed: null };
    this.groups.delete(key);
    const parts = [...group.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, part]) => part);
    return { duplicate, failed: group.failed, completed: this.deliver(segment, parts) };
  }

  /** Entries oldest first, for one handset or all. */
  inbox(mobile?: string, limit = Number.POSITIVE_INFINITY, offset = 0): InboxEntry[] {
    const list = mobile === undefined ? this.all : (this.byMobile.get(mobile) ?? []);
    // Copies: callers must not be able to rewrite what the handset received.
    return list.slice(offset, offset + limit).map((e) => ({ ...e, msgIds: [...e.msgIds] }));
  }

  count(mobile?: string): number {
    return mobile === undefined ? this.all.length : (this.byMobile.get(mobile)?.length ?? 0);
  }

  clear(): void {
    this.all.length = 0;
    this.byMobile.clear();
    this.groups.clear();
    this.seen.clear();
  }

  /**
   * True when an identical segment (destination, sender, user data) arrived before. A 96-bit digest
   * stands for the bytes so that a long run's memory stays small; a false match is out of reach.
   */
  private remember(segment: ReceivedSegment): boolean {
    const digest = createHash('sha1')
      .update(segment.mobile)
      .update('\u0000')
      .update(segment.from)
      .update('\u0000')
      .update(segment.content)
      .digest('base64')
      .slice(0, 16);
    if (this.seen.has(digest)) return true;
    this.seen.add(digest);
    return false;
  }

  private deliver(last: ReceivedSegment, parts: { text: string; msgId: string }[]): InboxEntry {
    const entry: InboxEntry = {
      mobile: last.mobile,
      from: last.from,
      text: parts.map((p) => p.text).join(''),
      segments: parts.length,
      receivedAt: new Date(last.receivedAt).toISOString(),
      msgIds: parts.map((p) => p.msgId),
    };
    this.all.push(entry);
    const list = this.byMobile.get(entry.mobile);
    if (list) list.push(entry);
    else this.byMobile.set(entry.mobile, [entry]);
    return entry;
  }
}
