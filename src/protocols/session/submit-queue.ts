/**
 * The short queue every gateway keeps in front of its connections' windows (gateway.ts contract):
 * an item waits until some link has a free window slot and the token bucket a token, then it is
 * written and its answer becomes its outcome. An item still queued after `requestTimeoutMs` — no
 * usable link, or windows and rate saturated — is answered `retry` without having been written.
 * An enqueued item always gets exactly one outcome; nothing here rejects.
 *
 * Whether an item may still be written is decided when it would be written, on a monotonic clock
 * (docs/multinode.md): past its `writeBy` (its sender's lease would run out before the answer is
 * stored), or older than the queue timeout (the event loop stalled — a paused process — and the
 * timer that should have ended it has not run yet), it is answered `retry` and never written.
 *
 * A written item keeps its place in the gateway's window (`limit`: the links' windows together) until
 * it is answered _and_ the promise its submitter gave (`recorded`, the outcome's commit) settles: at
 * any moment at most that many parts are written and not yet durably recorded, which bounds what a
 * killed process leaves for its peers to send again (docs/multinode.md "Duplicates").
 *
 * What differs per protocol stays with the gateway: how an item is encoded and written on a link
 * (`write`), which links exist and whether one is usable, and what to do when none has a slot.
 */
import type { Logger } from '../../shared/log.js';
import type { GatewayStatus, SubmitOutcome } from '../gateway.js';
import type { Clock, TimerHandle } from './clock.js';
import { defaultBurst, TokenBucket } from './token-bucket.js';

/** A gateway's counters at start; the queue keeps some of them, the gateway the others. */
export function newGatewayCounters(): GatewayStatus['counters'] {
  return {
    submitted: 0,
    accepted: 0,
    rejected: 0,
    retried: 0,
    unanswered: 0,
    reports: 0,
    uplinks: 0,
    reconnects: 0,
    errors: 0,
  };
}

/** A connection as the queue sees it: how many more requests its window takes now. */
export interface QueueLink {
  readonly free: number;
}

/** The gateway's own result codes for outcomes decided here (e.g. `CMPP:BUSY`). */
export interface QueueCodes {
  noLink: string;
  busy: string;
  closing: string;
  encode: string;
  /** Not written: past its write deadline, or the process stalled while it was queued. */
  late: string;
}

export interface SubmitQueueOptions<L extends QueueLink, I> {
  clock: Clock;
  log: Logger;
  config: { tps: number; requestTimeoutMs: number };
  codes: QueueCodes;
  /** The gateway's counters; the queue keeps submitted, accepted, rejected, retried and unanswered. */
  counters: GatewayStatus['counters'];
  links(): readonly L[];
  /** Whether some link is bound for submitting; decides what a queue timeout is called. */
  anyUsable(): boolean;
  /**
   * Writes one item on a link with a free slot and gives its answer's outcome; null if the link had
   * no slot after all. Throws when the item cannot be encoded at all: it is then rejected, since a
   * retry cannot help.
   */
  write(link: L, item: I): Promise<SubmitOutcome> | null;
  /** No link had a slot for the next item (SGIP opens idle links here). */
  starved?(): void;
  /** Milliseconds that only move forward, also while the process is stopped (default performance.now). */
  monotonic?: () => number;
  /** Items written and not yet released (answered, and recorded when the submitter asked) at most. */
  limit?: () => number;
}

interface Queued<I> {
  item: I;
  /** Parts this item carries (an SMPP message_payload is one request for several parts). */
  parts: number;
  resolve(outcome: SubmitOutcome): void;
  deadline: TimerHandle;
  /** Monotonic times: when it was queued, and the last moment it may be written (Infinity: none). */
  queuedAt: number;
  writeBy: number;
  /** Set once the item has its outcome; a second end (which would be a bug) is not counted. */
  done: boolean;
  /** Settles once the submitter has recorded the outcome; the item holds its slot until then. */
  recorded: Promise<unknown> | undefined;
}

export class SubmitQueue<L extends QueueLink, I> {
  private readonly queue: Queued<I>[] = [];
  private readonly bucket: TokenBucket;
  private readonly pending = new Set<Promise<unknown>>();
  private phase: 'idle' | 'running' | 'closed' = 'idle';
  private pumpTimer: TimerHandle | null = null;
  private readonly monotonic: () => number;
  /** Items written and not yet released, in all and per `recorded` promise (the items of one submit). */
  private held = 0;
  private readonly holders = new Map<Promise<unknown>, number>();

  constructor(private readonly options: SubmitQueueOptions<L, I>) {
    const { tps } = options.config;
    this.bucket = new TokenBucket(tps, defaultBurst(tps), options.clock);
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  get length(): number {
    return this.queue.length;
  }

  /**
   * How many more items to take now, given `free` window slots on the usable links: those it may
   * write, plus `ahead` to keep queued — none while the window is full of items awaiting their
   * records, so a slow commit keeps them in the submitter's hands rather than timing out here.
   */
  room(free: number, ahead: number): number {
    const limit = this.options.limit?.() ?? Number.POSITIVE_INFINITY;
    const writable = Math.max(0, Math.min(free, limit - this.held));
    return Math.max(0, writable + (this.held >= limit ? 0 : ahead) - this.queue.length);
  }

  open(): void {
    if (this.phase === 'idle') this.phase = 'running';
  }

  /** Answers everything still queued `retry` (closing); answers in flight end by their own timers. */
  close(): void {
    this.phase = 'closed';
    this.pumpTimer?.cancel();
    this.pumpTimer = null;
    const { closing } = this.options.codes;
    for (const q of this.queue.splice(0))
      this.finish(q, { kind: 'retry', code: closing, reason: '网关正在关闭 gateway closing' });
  }

  /** Resolves once every written item and every tracked promise has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Keeps a promise the gateway started (a delivery being handled) in what `settled` waits for. */
  track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /**
   * One item's outcome, the same for each of its `parts` (counted per part). `writeBy` is a
   * monotonic time (`monotonic()`) after which the item must not be written. Once written, the item
   * holds its slot until it is answered and `recorded` has settled.
   */
  enqueue(
    item: I,
    parts = 1,
    writeBy = Number.POSITIVE_INFINITY,
    recorded?: Promise<unknown>,
  ): Promise<SubmitOutcome> {
    const { clock, codes } = this.options;
    const { requestTimeoutMs } = this.options.config;
    if (this.phase !== 'running') {
      const reason =
        this.phase === 'idle' ? '网关未启动 gateway not started' : '网关正在关闭 gateway closing';
      return Promise.resolve(this.count({ kind: 'retry', code: codes.closing, reason }, parts));
    }
    return new Promise((resolve) => {
      const queued: Queued<I> = {
        item,
        parts,
        resolve,
        done: false,
        recorded,
        queuedAt: this.monotonic(),
        writeBy,
        deadline: clock.setTimer(requestTimeoutMs, () => {
          const at = this.queue.indexOf(queued);
          if (at >= 0) this.queue.splice(at, 1);
          this.finish(
            queued,
            this.options.anyUsable()
              ? { kind: 'retry', code: codes.busy, reason: '窗口或速率已满 window and rate saturated' }
              : { kind: 'retry', code: codes.noLink, reason: '没有已绑定的连接 no bound connection in time' },
          );
        }),
      };
      this.queue.push(queued);
      this.pump();
    });
  }

  /** Writes queued items while a link has a slot and the bucket a token; links call it when a slot frees. */
  pump(): void {
    while (this.queue.length > 0 && this.phase === 'running') {
      // Decided in the same turn as the write below, so nothing late slips out.
      const head = this.queue[0];
      if (!head) return;
      if (this.tooLate(head)) {
        this.queue.shift();
        continue;
      }
      // The window is full of parts written and not yet recorded. A message longer than the window
      // goes on once it alone fills it: its record waits for all its parts.
      if (this.held >= (this.options.limit?.() ?? Number.POSITIVE_INFINITY) && !this.alone(head)) return;
      let best: L | null = null;
      for (const link of this.options.links())
        if (link.free > 0 && (!best || link.free > best.free)) best = link;
      if (!best) {
        this.options.starved?.();
        return;
      }
      const wait = this.bucket.take();
      if (wait > 0) {
        this.pumpTimer ??= this.options.clock.setTimer(wait, () => {
          this.pumpTimer = null;
          this.pump();
        });
        return;
      }
      const queued = this.queue.shift();
      if (!queued) return;
      queued.deadline.cancel(); // from here the request's own timeout bounds it
      this.write(best, queued);
    }
  }

  /** Answers an item that may no longer be written; true when it did. */
  private tooLate(queued: Queued<I>): boolean {
    const now = this.monotonic();
    const stalled = now - queued.queuedAt > this.options.config.requestTimeoutMs;
    if (now <= queued.writeBy && !stalled) return false;
    this.finish(queued, {
      kind: 'retry',
      code: this.options.codes.late,
      reason: stalled
        ? '进程停顿，排队请求作废 process stalled while queued'
        : '已过写出期限 past its write deadline',
    });
    return true;
  }

  private write(link: L, queued: Queued<I>): void {
    let answer: Promise<SubmitOutcome> | null;
    try {
      answer = this.options.write(link, queued.item);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.finish(queued, { kind: 'rejected', code: this.options.codes.encode, reason });
      return;
    }
    if (!answer) {
      this.queue.unshift(queued); // pump saw a free slot, so this does not happen; keep the item anyway
      return;
    }
    this.options.counters.submitted += queued.parts;
    const { recorded } = queued;
    this.held++;
    if (recorded) this.holders.set(recorded, (this.holders.get(recorded) ?? 0) + 1);
    const answered = answer.then((outcome) => this.finish(queued, outcome));
    this.track(answered);
    const release = () => {
      this.held--;
      if (recorded) {
        const left = (this.holders.get(recorded) ?? 1) - 1;
        if (left > 0) this.holders.set(recorded, left);
        else this.holders.delete(recorded);
      }
      this.pump();
    };
    void answered.then(() => recorded).then(release, release);
  }

  /** Whether every item held belongs to the same submit as `queued`. */
  private alone(queued: Queued<I>): boolean {
    return queued.recorded !== undefined && this.holders.get(queued.recorded) === this.held;
  }

  private finish(queued: Queued<I>, outcome: SubmitOutcome): void {
    queued.deadline.cancel();
    if (queued.done) {
      this.options.log.error({ outcome: outcome.kind }, '同一请求第二次结束 a submit ended twice');
      return;
    }
    queued.done = true;
    queued.resolve(this.count(outcome, queued.parts));
  }

  private count(outcome: SubmitOutcome, parts: number): SubmitOutcome {
    const { counters } = this.options;
    switch (outcome.kind) {
      case 'accepted':
        counters.accepted += parts;
        break;
      case 'rejected':
        counters.rejected += parts;
        break;
      case 'retry':
        counters.retried += parts;
        break;
      case 'unanswered':
        counters.unanswered += parts;
        break;
    }
    return outcome;
  }
}
