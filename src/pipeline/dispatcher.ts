/**
 * The dispatcher keeps a buffer of claimed messages and feeds the gateways from it as their
 * windows free up. Claims are large and rare (one per half-buffer, riding in the writer's group
 * commit); each message is cut into segments for its route, the parts not yet taken by a carrier
 * are submitted, and the outcome goes back to the writer.
 *
 *   claim (lease) ──► buffer ──room on a gateway──► submit ──► outcome to the writer
 *                       │
 *                       └─ lease nearly over, or stopping ──► released to the queue (never sent)
 *
 * The loop runs on wake-ups (admission commits, answers freeing room, claims arriving) and a poll,
 * so a missed wake-up only costs one poll interval.
 */
import type { Logger } from 'pino';
import type { Carrier } from '../domain/carrier.js';
import { measureText } from '../domain/text/index.js';
import type { Gateway, SubmitOutcome, SubmitPart } from '../protocols/gateway.js';
import type { DatabaseHandle } from '../store/connect.js';
import {
  acceptedParts,
  type BatchText,
  type ClaimedMessage,
  type ClaimRouting,
  type TakenParts,
} from '../store/outbox.js';
import type { SubmissionRecord } from '../store/outcomes.js';
import { BatchTexts } from './batch-texts.js';
import type { Router } from './router.js';
import type { EventWriter } from './writer.js';

export interface DispatcherSettings {
  owner: string;
  /** Messages claimed at once; a new claim starts when the buffer falls below half of it. */
  claimBatch: number;
  pollMs: number;
  leaseMs: number;
  /**
   * Gives back text kept apart from `batches.content` (verification codes, src/pipeline/otp.ts); a
   * batch it leaves out is treated as missing.
   */
  reveal?: (batches: BatchText[]) => Promise<BatchText[]>;
}

export interface DispatcherCounters {
  /** Claim statements run, empty ones included (an idle platform runs about one per poll). */
  claims: number;
  claimed: number;
  released: number;
  submittedParts: number;
  resubmittedParts: number;
  errors: number;
}

interface Buffered {
  message: ClaimedMessage;
  batch: BatchText;
  /** Parts a carrier already took in an earlier attempt. */
  taken: TakenParts | undefined;
  /** After this, the lease may run out before the answer is stored: hand it back instead. */
  sendBefore: number;
  /** When the claim was asked for, in `performance.now()` ms: the lease ends `leaseMs` later. */
  claimedAt: number;
}

/** Time left, at the least, between an answer's latest arrival and the end of the lease to store it. */
const RECORD_MARGIN_MS = 1000;

type Failure = NonNullable<SubmissionRecord['failure']>;
const NO_BATCH: Failure = {
  kind: 'retry',
  code: 'NO_BATCH',
  reason: 'batch text missing',
  unansweredParts: 0,
};
const PAST_VALIDITY: Failure = {
  kind: 'retry',
  code: 'EXPIRED',
  reason: '已过有效期 validity passed before sending',
  unansweredParts: 0,
};

export class Dispatcher {
  readonly counters: DispatcherCounters = {
    claims: 0,
    claimed: 0,
    released: 0,
    submittedParts: 0,
    resubmittedParts: 0,
    errors: 0,
  };
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private claiming: Promise<void> | null = null;
  /** A wake-up came while a claim was running: what it announced may have committed too late for it. */
  private wokenWhileClaiming = false;
  /** The last claim filled its limit: more is probably due. */
  private moreDue = true;
  private buffer: Buffered[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly texts: BatchTexts;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly router: Router,
    private readonly writer: EventWriter,
    private readonly settings: DispatcherSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.texts = new BatchTexts(handle.db, settings.reveal);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** A hint that there may be work: new messages, or room freed on a gateway. */
  wake(): void {
    if (this.claiming) this.wokenWhileClaiming = true;
    this.woken = true;
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Messages claimed and not yet handed to a gateway. */
  buffered(): number {
    return this.buffer.length;
  }

  /**
   * Stops claiming, hands buffered messages back to the queue and waits for every submitted one's
   * outcome to be written.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.claiming;
    await this.release(this.buffer.splice(0));
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.feed();
        this.maybeClaim();
      } catch (err) {
        this.counters.errors++;
        this.logger.error({ err }, '派发失败 dispatch failed');
      }
      await this.sleep(this.settings.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.woken = false;
        resolve();
      };
    });
  }

  private maybeClaim(): void {
    if (this.claiming || !this.running || this.buffer.length >= this.settings.claimBatch / 2) return;
    // Only numbers some bound link can carry; the rest wait in the queue, not in memory.
    const routing = this.router.claimRouting();
    if (routing.local.length === 0 && (routing.remote?.carriers.length ?? 0) === 0) return;
    const limit = this.settings.claimBatch - this.buffer.length;
    this.wokenWhileClaiming = false;
    let got = 0;
    this.claiming = this.claim(routing, limit)
      .then((n) => {
        got = n;
      })
      .catch((err: unknown) => {
        this.counters.errors++;
        this.moreDue = false;
        this.logger.error({ err }, '领取待发短信失败 claim failed');
      })
      .finally(() => {
        this.claiming = null;
        // An empty claim waits for the poll or the next wake-up: claiming again at once is what made
        // an idle platform spin (docs/design.md "Performance").
        if (got > 0 || this.moreDue || this.wokenWhileClaiming) this.wake();
      });
  }

  /** Claims up to `limit` messages into the buffer; returns how many it claimed. */
  private async claim(routing: ClaimRouting, limit: number): Promise<number> {
    const now = this.now();
    // Taken before the claim, so the lease's end on this clock is never later than in the database.
    const claimedAt = performance.now();
    const claimed = await this.writer.claim({
      owner: this.settings.owner,
      leaseUntil: now + this.settings.leaseMs,
      now,
      carriers: routing.local,
      remote: routing.remote,
      limit,
    });
    this.counters.claims++;
    this.moreDue = claimed.length >= limit;
    if (claimed.length === 0) return 0;
    this.counters.claimed += claimed.length;
    await this.texts.load(claimed.map((m) => m.batchId));
    const retried = claimed.filter((m) => m.attempts > 1).map((m) => m.id);
    const taken =
      retried.length > 0 ? await acceptedParts(this.handle.db, retried) : new Map<number, TakenParts>();
    const sendBefore = now + this.settings.leaseMs / 2;
    const orphaned: ClaimedMessage[] = [];
    for (const message of claimed) {
      const batch = this.texts.get(message.batchId);
      if (batch) this.buffer.push({ message, batch, taken: taken.get(message.id), sendBefore, claimedAt });
      else orphaned.push(message);
    }
    // A verification code's text is not kept for later claims: a retry asks `reveal` again, so a
    // code verified, superseded or expired meanwhile is not sent.
    for (const message of claimed)
      if (this.texts.get(message.batchId)?.category === 'otp') this.texts.forget(message.batchId);
    // A message whose batch row is gone cannot be sent; the retry path ends it in time.
    for (const m of orphaned) this.track(this.record(m, 'none', m.segments, [], [], NO_BATCH));
    return claimed.length;
  }

  /** Hands buffered messages to gateways with room, oldest first, skipping carriers that are full. */
  private feed(): void {
    if (this.buffer.length === 0) return;
    const now = this.now();
    const full = new Set<string>();
    const keep: Buffered[] = [];
    const expired: Buffered[] = [];
    for (const item of this.buffer) {
      if (item.sendBefore < now) {
        expired.push(item);
        continue;
      }
      const carrier = item.message.carrier as Carrier;
      const remote = this.router.isRemote(item.message.homeProvince);
      const route = remote ? `${carrier}:ministry` : carrier;
      const gateway = full.has(route) ? null : this.router.pick(carrier, remote);
      if (!gateway) {
        full.add(route);
        keep.push(item);
        continue;
      }
      this.send(item, gateway);
    }
    this.buffer = keep;
    if (expired.length > 0) this.track(this.release(expired));
  }

  private async release(items: readonly Buffered[]): Promise<void> {
    if (items.length === 0) return;
    this.counters.released += items.length;
    try {
      await this.writer.release({
        owner: this.settings.owner,
        leases: items.map((i) => ({ id: i.message.id, epoch: i.message.epoch })),
      });
    } catch (err) {
      // Their leases run out and the sweeper hands them back.
      this.counters.errors++;
      this.logger.warn({ err, count: items.length }, '归还待发短信失败 release failed');
    }
  }

  private send(item: Buffered, gateway: Gateway): void {
    const { message, batch, taken } = item;
    // Past its validity (a review decided late, a long outage): the carrier would refuse the time,
    // and the message is worth nothing now; the retry path ends it EXPIRED.
    if (message.validUntil !== null && message.validUntil <= this.now()) {
      this.track(this.record(message, gateway.config.id, message.segments, [], [], PAST_VALIDITY));
      return;
    }
    const whole = gateway.wholeMessages === true;
    const segments = whole
      ? this.texts.whole(batch, gateway.textProfile)
      : this.texts.segments(batch, gateway.textProfile, message.id & 0xff);
    const billed = whole
      ? measureText(batch.signature + batch.content, gateway.textProfile).segments
      : undefined;
    const srcId = (gateway.config.spNumber + batch.srcExt).slice(0, 21);
    // Written later than this, the answer (within the request timeout) and its commit could come
    // after the lease ended and a peer took the message over: the gateway drops it unwritten.
    const writeBy =
      item.claimedAt +
      this.settings.leaseMs -
      gateway.config.requestTimeoutMs -
      Math.max(RECORD_MARGIN_MS, this.settings.leaseMs / 10);
    const parts: SubmitPart[] = segments
      // Parts taken under the same cut are not sent again; a different cut starts over.
      .filter((s) => !(taken?.total === segments.length && taken.parts.has(s.partNo)))
      .map((segment) => ({
        messageId: message.id,
        mobile: message.mobile,
        srcId,
        segment,
        wantReport: true,
        writeBy,
        validUntil: message.validUntil,
        answersUplink: batch.category === 'reply',
      }));
    if (message.attempts > 1) this.counters.resubmittedParts += parts.length;
    this.counters.submittedParts += parts.length;
    // The written parts keep their window slots until their outcome is committed: a process killed
    // at any moment leaves at most a window's worth written and not recorded (docs/multinode.md).
    let recorded = () => {};
    const committed = new Promise<void>((resolve) => (recorded = resolve));
    this.track(
      gateway
        .submit(parts, committed)
        .then(
          (outcomes) =>
            this.record(message, gateway.config.id, segments.length, parts, outcomes, null, billed),
          (err: unknown) =>
            this.record(message, gateway.config.id, segments.length, [], [], {
              kind: 'retry',
              code: 'GATEWAY_ERROR',
              reason:
                `网关提交出错 gateway submit failed: ${err instanceof Error ? err.message : String(err)}`.slice(
                  0,
                  200,
                ),
              unansweredParts: 0,
            }),
        )
        .finally(recorded),
    );
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => {
      this.inFlight.delete(tracked);
      // An answer freed room: worth a round if anything is waiting for it.
      if (this.buffer.length > 0 || this.moreDue) this.wake();
    });
    this.inFlight.add(tracked);
  }

  private async record(
    message: ClaimedMessage,
    gatewayId: string,
    total: number,
    parts: readonly SubmitPart[],
    outcomes: readonly SubmitOutcome[],
    forced: Failure | null,
    billed?: number,
  ): Promise<void> {
    const record: SubmissionRecord = {
      messageId: message.id,
      gatewayId,
      owner: this.settings.owner,
      epoch: message.epoch,
      total,
      accepted: [],
      failure: null,
      ...(billed !== undefined && { billed }),
    };
    let unanswered = 0;
    let worst: Exclude<SubmitOutcome, { kind: 'accepted' }> | null = null;
    parts.forEach((part, i) => {
      const outcome = outcomes[i] ?? {
        kind: 'unanswered',
        code: 'NO_OUTCOME',
        reason: 'gateway gave no outcome',
      };
      this.router.record(gatewayId, outcome.kind);
      if (outcome.kind === 'accepted') {
        record.accepted.push({
          partNo: part.segment.partNo,
          total: part.segment.total,
          carrierMsgId: outcome.carrierMsgId,
        });
        return;
      }
      if (outcome.kind === 'unanswered') {
        unanswered++;
        (record.unanswered ??= []).push({ partNo: part.segment.partNo, total: part.segment.total });
      }
      // A refusal decides for the whole message; otherwise the first failure explains it.
      if (!worst || outcome.kind === 'rejected') worst = outcome;
    });
    const failure = worst as Exclude<SubmitOutcome, { kind: 'accepted' }> | null;
    if (forced) record.failure = forced;
    else if (failure)
      record.failure = {
        kind: failure.kind,
        code: failure.code,
        reason: failure.reason,
        unansweredParts: unanswered,
      };
    try {
      await this.writer.write({ kind: 'submission', record });
    } catch (err) {
      // The lease runs out and a peer's sweeper (or this one's, a lease later) hands it back.
      this.counters.errors++;
      this.logger.error({ err, messageId: message.id }, '提交结果未能保存 submission outcome not stored');
    }
  }
}
