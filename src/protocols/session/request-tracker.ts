/**
 * The window of one connection: requests written and not yet answered, each with its own timeout
 * (CMPP §6.1 / docs/protocols.md §1: T and W). A request ends exactly once — answered, timed out, or lost with
 * the link — and the promise never rejects, so callers map every end to an outcome.
 */
import type { Clock, TimerHandle } from './clock.js';

export type RequestResult<R> =
  | { kind: 'answered'; response: R }
  | { kind: 'timeout' }
  /** The link went away with the request in flight. */
  | { kind: 'lost'; reason: string };

interface Pending<R> {
  resolve(result: RequestResult<R>): void;
  timer: TimerHandle;
}

export class RequestTracker<R> {
  private readonly pending = new Map<number, Pending<R>>();
  private drainWaiters: (() => void)[] = [];

  constructor(
    readonly capacity: number,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  get free(): number {
    return Math.max(0, this.capacity - this.pending.size);
  }

  /** Starts tracking request `seq`; the caller checks `free` first (the window is its job to keep). */
  track(seq: number, timeoutMs: number): Promise<RequestResult<R>> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(timeoutMs, () => this.settle(seq, { kind: 'timeout' }));
      this.pending.set(seq, { resolve, timer });
    });
  }

  /** Hands the response to its request; false when no request waits on `seq` (late or unknown). */
  answer(seq: number, response: R): boolean {
    return this.settle(seq, { kind: 'answered', response });
  }

  /** Ends every request in flight as lost. */
  failAll(reason: string): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, { kind: 'lost', reason });
  }

  /** Resolves once nothing is in flight. */
  drained(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private settle(seq: number, result: RequestResult<R>): boolean {
    const p = this.pending.get(seq);
    if (!p) return false;
    this.pending.delete(seq);
    p.timer.cancel();
    p.resolve(result);
    if (this.pending.size === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
    return true;
  }
}

/**
 * Sequence numbers 1..max, wrapping (docs/protocols.md §1.1: "+1 per request, wraps"); `max` defaults to
 * 2^32-1, SMPP's sequence_number stops at 0x7FFFFFFF (SMPP 3.4 §3.2, docs/protocols.md §4.1).
 */
export class SequenceCounter {
  private last: number;

  constructor(
    start = 0,
    private readonly max = 0xffffffff,
  ) {
    this.last = start;
  }

  next(): number {
    this.last = this.last >= this.max ? 1 : this.last + 1;
    return this.last;
  }
}
