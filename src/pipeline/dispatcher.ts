/**
 * The dispatcher claims due messages in batches (only for carriers whose gateways have room),
 * cuts each into segments for its route, submits the parts not yet taken by a carrier, and hands
 * the outcome to the writer. The loop is driven by wake-ups (admission commits, answers freeing
 * room) and backed by a poll, so a missed wake-up only costs one poll interval.
 */
import type { Logger } from 'pino';
import type { Carrier } from '../domain/carrier.js';
import { segmentText, type Segment, type TextProfile } from '../domain/text/index.js';
import type { SubmitOutcome, SubmitPart } from '../protocols/gateway.js';
import type { DatabaseHandle } from '../store/connect.js';
import {
  acceptedParts,
  claimMessages,
  loadBatches,
  type BatchText,
  type ClaimedMessage,
} from '../store/outbox.js';
import type { SubmissionRecord } from '../store/outcomes.js';
import type { Router } from './router.js';
import type { EventWriter } from './writer.js';

export interface DispatcherSettings {
  owner: string;
  claimBatch: number;
  pollMs: number;
  leaseMs: number;
}

export interface DispatcherCounters {
  claimed: number;
  submittedParts: number;
  resubmittedParts: number;
  errors: number;
}

const BATCH_CACHE_LIMIT = 2000;

export class Dispatcher {
  readonly counters: DispatcherCounters = { claimed: 0, submittedParts: 0, resubmittedParts: 0, errors: 0 };
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  /** The last round could not take everything due: room freed by an answer is worth a new round. */
  private backlog = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly batches = new Map<number, BatchText>();
  private readonly segmentCache = new Map<string, Segment[]>();

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly router: Router,
    private readonly writer: EventWriter,
    private readonly settings: DispatcherSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** A hint that there may be work: new messages, or room freed on a gateway. */
  wake(): void {
    this.woken = true;
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Stops claiming and waits for every claimed message's outcome to be written. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.dispatchOnce();
      } catch (err) {
        this.counters.errors++;
        this.logger.error({ err }, '派发失败 dispatch failed');
      }
      if (claimed === 0) await this.sleep(this.settings.pollMs);
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

  /** One claim round; answers how many messages it claimed. */
  async dispatchOnce(): Promise<number> {
    const room = this.router.capacityByCarrier();
    if (room.size === 0) {
      this.backlog = true;
      return 0;
    }
    const limit = Math.min(this.settings.claimBatch, Math.max(...room.values()));
    const now = this.now();
    const claimed = await claimMessages(this.handle.db, this.handle.caps, {
      owner: this.settings.owner,
      leaseUntil: now + this.settings.leaseMs,
      now,
      carriers: [...room.keys()],
      limit,
    });
    this.backlog = claimed.length >= limit;
    if (claimed.length === 0) return 0;
    this.counters.claimed += claimed.length;
    await this.loadMissingBatches(claimed);
    const retried = claimed.filter((m) => m.attempts > 1).map((m) => m.id);
    const taken =
      retried.length > 0 ? await acceptedParts(this.handle.db, retried) : new Map<number, Set<number>>();
    for (const message of claimed) this.send(message, taken.get(message.id));
    return claimed.length;
  }

  private async loadMissingBatches(messages: readonly ClaimedMessage[]): Promise<void> {
    const missing = [...new Set(messages.map((m) => m.batchId))].filter((id) => !this.batches.has(id));
    if (missing.length === 0) return;
    if (this.batches.size + missing.length > BATCH_CACHE_LIMIT) this.batches.clear();
    for (const b of await loadBatches(this.handle.db, missing)) this.batches.set(b.id, b);
  }

  private send(message: ClaimedMessage, alreadyTaken: Set<number> | undefined): void {
    const batch = this.batches.get(message.batchId);
    const gateway = this.router.pick(message.carrier as Carrier);
    if (!batch || !gateway) {
      // Room vanished between the claim and now (or the batch row is missing): back to the queue.
      this.track(this.record(message, gateway?.config.id ?? 'none', [], [], 'retry'));
      return;
    }
    const segments = this.segmentsFor(batch, gateway.textProfile, message.id & 0xff);
    const srcId = (gateway.config.spNumber + batch.srcExt).slice(0, 21);
    const parts: SubmitPart[] = segments
      .filter((s) => !alreadyTaken?.has(s.partNo))
      .map((segment) => ({
        messageId: message.id,
        mobile: message.mobile,
        srcId,
        segment,
        wantReport: true,
      }));
    if (message.attempts > 1) this.counters.resubmittedParts += parts.length;
    this.counters.submittedParts += parts.length;
    this.track(
      gateway.submit(parts).then(
        (outcomes) => this.record(message, gateway.config.id, parts, outcomes, null),
        () => this.record(message, gateway.config.id, [], [], 'retry'),
      ),
    );
  }

  /**
   * Every message of a batch carries the same text, so it is cut once per batch and route; only the
   * concatenation reference (byte 3 of the UDH) differs per message.
   */
  private segmentsFor(batch: BatchText, profile: TextProfile, reference: number): Segment[] {
    const key = `${batch.id}:${profile}`;
    let template = this.segmentCache.get(key);
    if (!template) {
      if (this.segmentCache.size >= BATCH_CACHE_LIMIT) this.segmentCache.clear();
      template = segmentText(batch.signature + batch.content, profile, 0);
      this.segmentCache.set(key, template);
    }
    return template.map((s) => {
      if (!s.udh) return s;
      const udh = Uint8Array.from(s.udh);
      udh[3] = reference;
      return { ...s, udh };
    });
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => {
      this.inFlight.delete(tracked);
      if (this.backlog) this.wake();
    });
    this.inFlight.add(tracked);
  }

  private async record(
    message: ClaimedMessage,
    gatewayId: string,
    parts: readonly SubmitPart[],
    outcomes: readonly SubmitOutcome[],
    forced: 'retry' | null,
  ): Promise<void> {
    const record: SubmissionRecord = {
      messageId: message.id,
      gatewayId,
      owner: this.settings.owner,
      accepted: [],
      failure: null,
    };
    let unanswered = 0;
    let worst: Exclude<SubmitOutcome, { kind: 'accepted' }> | null = null;
    parts.forEach((part, i) => {
      const outcome = outcomes[i] ?? {
        kind: 'unanswered',
        code: 'NO_OUTCOME',
        reason: 'gateway gave no outcome',
      };
      if (outcome.kind === 'accepted') {
        record.accepted.push({
          partNo: part.segment.partNo,
          total: part.segment.total,
          carrierMsgId: outcome.carrierMsgId,
        });
        return;
      }
      if (outcome.kind === 'unanswered') unanswered++;
      // A refusal decides for the whole message; otherwise the first failure explains it.
      if (!worst || outcome.kind === 'rejected') worst = outcome;
    });
    const failure = worst as Exclude<SubmitOutcome, { kind: 'accepted' }> | null;
    if (forced)
      record.failure = {
        kind: 'retry',
        code: 'NO_ROUTE_NOW',
        reason: 'no gateway with room',
        unansweredParts: 0,
      };
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
      // The lease will expire and the sweeper will hand the message back; nothing is lost.
      this.counters.errors++;
      this.logger.error({ err, messageId: message.id }, '提交结果未能保存 submission outcome not stored');
    }
  }
}
