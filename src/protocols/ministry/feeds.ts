/**
 * The ministry link's reports and replies (docs/federation.md §4): pulled from `/api/sms/reports`
 * and `/api/sms/replies` a page at a time (or pushed to the link, push.ts, and stored alike); each cursor is kept in the database and moved only
 * after what it covers was stored (a page read again adds nothing: reports are idempotent, replies
 * are stored once per ministry reply id).
 */
import type { GatewayHandlers } from '../gateway.js';
import { text, type LinkContext } from './context.js';
import { meaningOf, statOf, timeOf } from './mapping.js';

export type FeedName = 'reports' | 'replies';

/** Where the link has read the ministry's feeds to (store/federation.ts). */
export interface FeedCursors {
  load(gatewayId: string, feed: FeedName): Promise<string>;
  save(gatewayId: string, feed: FeedName, cursor: string): Promise<void>;
}

/** The ministry answers at most this many feed items per pull (routes-sms.ts FEED_PAGE). */
const FEED_PAGE = 500;

export class FeedFollower {
  private readonly cursors = new Map<FeedName, string>();

  constructor(
    private readonly link: LinkContext,
    private readonly store: FeedCursors | undefined,
  ) {}

  private async cursorOf(feed: FeedName): Promise<string> {
    let cursor = this.cursors.get(feed);
    if (cursor === undefined) {
      cursor = (await this.store?.load(this.link.config.id, feed)) ?? '0';
      this.cursors.set(feed, cursor);
    }
    return cursor;
  }

  /** One page of a feed, stored, then the cursor moved. True when more may be waiting. */
  async follow(feed: FeedName, handlers: GatewayHandlers): Promise<boolean> {
    const { link } = this;
    if (!link.usable()) return false;
    const cursor = await this.cursorOf(feed);
    const answer = await link.poster.post(`/api/sms/${feed}`, { ...link.credentials(), cursor });
    if (answer.kind !== 'answer' || answer.status !== 200) {
      link.linkTrouble(answer);
      return false;
    }
    const body = (answer.body ?? {}) as Record<string, unknown>;
    if (meaningOf(body.code).kind !== 'ok') {
      link.linkTrouble({ kind: 'code', code: Number(body.code), msg: text(body.msg) });
      return false;
    }
    const items = Array.isArray(body[feed]) ? (body[feed] as Record<string, unknown>[]) : [];
    await (feed === 'reports' ? storeReports : storeReplies)(link, handlers, items);
    const next = typeof body.nextCursor === 'string' ? body.nextCursor : cursor;
    if (next !== cursor) {
      await this.store?.save(link.config.id, feed, next);
      this.cursors.set(feed, next);
    }
    return items.length >= FEED_PAGE;
  }
}

/**
 * Stores report items of the ministry's feed (pulled or pushed: the same items). Idempotent: a
 * report for a part already final changes nothing, so a page read again or a callback sent again
 * applies once.
 */
export async function storeReports(
  link: LinkContext,
  handlers: GatewayHandlers,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const received = link.now();
  const gatewayId = link.config.id;
  await Promise.all(
    items.map((r) => {
      link.counters.reports++;
      return handlers.report({
        gatewayId,
        carrierMsgId: text(r.msgId),
        stat: statOf(text(r.status), typeof r.stat === 'string' ? r.stat : null),
        mobile: text(r.mobile),
        doneAt: timeOf(r.doneTime, received),
        receivedAt: received,
      });
    }),
  );
}

/**
 * Stores reply items as uplinks of this link, in order (a citizen's answers to one survey keep
 * their sequence). Idempotent: one uplink per ministry reply id (`reply-<replyId>`, migration 0050).
 */
export async function storeReplies(
  link: LinkContext,
  handlers: GatewayHandlers,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const received = link.now();
  for (const r of items) {
    link.counters.uplinks++;
    const sub = typeof r.subExtCode === 'string' ? r.subExtCode : '';
    await handlers.uplink({
      gatewayId: link.config.id,
      carrierMsgId: `reply-${text(r.replyId)}`,
      mobile: text(r.mobile),
      destId: link.config.spNumber + sub,
      text: text(r.text),
      receivedAt: timeOf(r.receivedTime, received),
      concat: null,
    });
  }
}
