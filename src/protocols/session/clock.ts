/**
 * Time for sessions, injected: keepalive, request timeouts, reconnect backoff and TPS pacing all go
 * through a Clock, so tests drive them with `ManualClock` instead of waiting on the wall clock.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms`; cancelling a fired or cancelled timer does nothing. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

interface Scheduled {
  at: number;
  order: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in time order during `advance`. */
export class ManualClock implements Clock {
  private current: number;
  private order = 0;
  private readonly timers = new Set<Scheduled>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: Scheduled = { at: this.current + Math.max(0, ms), order: this.order++, fn };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Timers not yet fired or cancelled. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, including ones set while firing. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      let next: Scheduled | null = null;
      for (const t of this.timers) {
        if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.order < next.order)))
          next = t;
      }
      if (!next) break;
      this.timers.delete(next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = until;
  }
}

/** Waits for `promise` or `ms` on `clock`, whichever comes first; the timer never outlives the wait. */
export function waitAtMost(clock: Clock, promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimer(ms, resolve);
    const done = (): void => {
      timer.cancel();
      resolve();
    };
    promise.then(done, done);
  });
}
