/**
 * Push callbacks (docs/design.md §4.7, docs/callbacks.md): each account's final reports and replies
 * POSTed to its `reportUrl` / `replyUrl` in batches, in feed order, signed with its callback secret.
 *
 * Per account and feed one worker at a time (a database lease): read the batch after the durable
 * cursor, POST it, and on a 2xx move the cursor past it; on anything else (status, timeout, refused
 * connection) count the attempt and wait `firstRetryMs · 2^(attempts-1)` (at most `maxRetryMs`,
 * with jitter) before the same batch again; after `retryHours` of failing, the batch is recorded
 * as failed and the next one goes. A kill -9 leaves the cursor at the last 2xx, so nothing is lost;
 * a batch whose 2xx was in flight at the kill is sent again with the same `X-Sms12333-Delivery`.
 * Receivers are posted to concurrently (`concurrency` slots) off the sending path, so a slow or
 * dead one delays only its own account.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import {
  claimCallbackCursor,
  dueCallbacks,
  readCallbackCursor,
  recordCallbackFailed,
  recordCallbackTaken,
  releaseCallbackCursor,
  type CallbackKind,
  type CallbackTarget,
} from '../store/callbacks.js';
import { recordResendOutcome, requeuedFailures } from '../store/callback-failures.js';
import { signCallback } from '../shared/callback-signature.js';
import type { DatabaseHandle } from '../store/connect.js';
import { pullReplies, pullReports } from '../store/feeds.js';
import type { IdAllocator } from '../store/ids.js';
import { replyItem, reportItem } from './feed-items.js';

export type CallbackSettings = Config['callbacks'];

/** A fresh callback secret: 32 random bytes, base64url (43 characters). */
export function generateCallbackSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The wait before attempt `attempts + 1`: doubling from `firstRetryMs`, capped, 50–100 % jitter. */
export function retryDelay(attempts: number, settings: CallbackSettings, random = Math.random): number {
  const base = Math.min(
    settings.maxRetryMs,
    settings.firstRetryMs * 2 ** Math.min(30, Math.max(0, attempts - 1)),
  );
  return Math.round(base * (0.5 + random() / 2));
}

export interface CallbackDeps {
  handle: DatabaseHandle;
  ids: IdAllocator;
  owner: string;
  settings: CallbackSettings;
  /** Opens a sealed secret or reply text (the personal-data cipher). */
  open: (token: string) => string;
  logger: Logger;
  now?: () => number;
}

interface Batch {
  body: string;
  items: number;
  toSeq: number;
}

export class CallbackDeliverer {
  private readonly now: () => number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly deps: CallbackDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.timer || this.stopping.signal.aborted) return;
    this.timer = setInterval(() => this.wake(), this.deps.settings.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Look for work now (new items numbered, a retry due). */
  wake(): void {
    if (this.ticking || this.stopping.signal.aborted) return;
    this.ticking = this.tick()
      .catch((err: unknown) => this.deps.logger.warn({ err }, '回调调度失败 callback scheduling failed'))
      .finally(() => {
        this.ticking = null;
      });
  }

  /** Stops taking work, aborts posts in flight (their batches stay due) and hands the leases back. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping.abort();
    await this.ticking;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async tick(): Promise<void> {
    const free = this.deps.settings.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const due = await dueCallbacks(this.deps.handle.db, this.now(), free + this.inFlight.size);
    for (const target of due) {
      const key = `${target.appId}:${target.kind}`;
      if (this.inFlight.has(key) || this.inFlight.size >= this.deps.settings.concurrency) continue;
      const run = this.work(target)
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, app: target.appName, kind: target.kind }, '回调失败 callback failed'),
        )
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, run);
    }
  }

  /** Read through a call: the signal changes while a post is awaited. */
  private stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private get leaseMs(): number {
    return this.deps.settings.timeoutMs * 3 + 30_000;
  }

  /** Sends batches for one account and feed while the receiver takes them (a few, then yields). */
  private async work(target: CallbackTarget): Promise<void> {
    const { db } = this.deps.handle;
    if (
      !(await claimCallbackCursor(db, target.appId, target.kind, this.deps.owner, this.now(), this.leaseMs))
    )
      return;
    try {
      if (!(await this.resend(target))) return;
      for (let round = 0; round < 20 && !this.stopping.signal.aborted; round++) {
        const state = await readCallbackCursor(db, target.appId, target.kind);
        if (!state) return;
        const batch = await this.batch(target, state.cursor);
        if (!batch) return;
        const outcome = await this.post(target, batch, state.cursor);
        if (this.stopped()) return;
        const now = this.now();
        if (outcome === null) {
          if (
            !(await recordCallbackTaken(
              db,
              target,
              this.deps.owner,
              state.cursor,
              batch.toSeq,
              batch.items,
              now,
            ))
          )
            return;
          continue;
        }
        const failingSince = state.failingSince ?? now;
        const giveUp = now - failingSince >= this.deps.settings.retryHours * 3_600_000;
        if (giveUp) await this.deps.ids.reserve(1);
        await recordCallbackFailed(db, target, this.deps.owner, {
          fromCursor: state.cursor,
          error: outcome,
          now,
          nextAt: now + retryDelay(state.attempts + 1, this.deps.settings),
          giveUp: giveUp ? { id: this.deps.ids.take(), toSeq: batch.toSeq, items: batch.items } : null,
        });
        if (giveUp)
          this.deps.logger.warn(
            { app: target.appName, kind: target.kind, items: batch.items, error: outcome },
            '回调重试期满，已记为失败 callback batch given up',
          );
        if (!giveUp) return;
      }
    } finally {
      await releaseCallbackCursor(db, target, this.deps.owner).catch(() => undefined);
    }
  }

  /** The items after `cursor` (up to `upTo`: a failed batch sent again), as one POST body. */
  private async batch(target: CallbackTarget, cursor: number, upTo?: number): Promise<Batch | null> {
    const { db } = this.deps.handle;
    // A batch sent again is whole even if `batchSize` was lowered since (it is at most 500).
    const limit = upTo === undefined ? this.deps.settings.batchSize : 500;
    const pack = (feed: { items: unknown[]; nextCursor: number }, items: Record<string, unknown[]>) =>
      feed.items.length === 0
        ? null
        : {
            body: JSON.stringify({ appName: target.appName, ...items }),
            items: feed.items.length,
            toSeq: feed.nextCursor,
          };
    if (target.kind === 'report') {
      const feed = await pullReports(db, target.appId, cursor, limit, upTo);
      return pack(feed, { reports: feed.items.map(reportItem) });
    }
    const feed = await pullReplies(db, target.appId, cursor, limit, upTo);
    return pack(feed, { replies: feed.items.map((r) => replyItem(r, target.extCode, this.deps.open)) });
  }

  /**
   * Failed batches an operator asked to send again (store/callback-failures.ts), oldest first,
   * each with the delivery id it first had. False when one was refused again: the feed's own
   * batch waits for its next attempt.
   */
  private async resend(target: CallbackTarget): Promise<boolean> {
    const { db } = this.deps.handle;
    for (const failed of await requeuedFailures(db, target.appId, target.kind, 20)) {
      if (this.stopped()) return false;
      const batch = await this.batch(target, failed.fromSeq - 1, failed.toSeq);
      // Items removed by retention meanwhile: nothing is left to send.
      const outcome = batch
        ? await this.post(target, { ...batch, toSeq: failed.toSeq }, failed.fromSeq - 1)
        : null;
      if (this.stopped()) return false;
      const sent = { ...failed, items: batch?.items ?? 0 };
      if (!(await recordResendOutcome(db, target, this.deps.owner, sent, outcome, this.now()))) return false;
      if (outcome !== null) return false;
    }
    return true;
  }

  /** Null when the receiver took it (2xx); else why not, for the console. */
  private async post(target: CallbackTarget, batch: Batch, cursor: number): Promise<string | null> {
    if (target.secretEnc === null)
      return '账户未设置回调密钥 (no callback secret: set one on the console or with app add)';
    const timestamp = String(Math.floor(this.now() / 1000));
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.deps.settings.timeoutMs)]);
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        redirect: 'manual',
        signal,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'sms12333-callbacks',
          'x-sms12333-timestamp': timestamp,
          'x-sms12333-signature': signCallback(this.deps.open(target.secretEnc), timestamp, batch.body),
          'x-sms12333-delivery': deliveryId(target.kind, target.appId, cursor, batch.toSeq),
        },
        body: batch.body,
      });
      // The body is not read: drop it so the connection is freed.
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return `${this.deps.settings.timeoutMs} ms 内无应答 (timeout)`;
      return e.cause?.code ?? e.message;
    }
  }
}

/** Names a batch: a receiver that sees the same id twice (a resend after a crash) may drop it. */
export function deliveryId(kind: CallbackKind, appId: number, cursor: number, toSeq: number): string {
  return `${kind}-${appId}-${cursor + 1}-${toSeq}`;
}
