/**
 * A token bucket for a submit rate: `ratePerSecond` tokens a second, holding at most `burst`. In any
 * interval of T ms at most `burst + ratePerSecond × T / 1000` tokens are taken, which is what a
 * carrier's per-second flow control (CMPP SUBMIT_RESP Result 8) measures.
 */
import type { Clock } from './clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last)
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }

  /** Takes a token and answers 0, or answers how many ms until one is due (and takes nothing). */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
  }
}

/** A burst of a tenth of a second's worth keeps pacing smooth without starving low rates. */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.floor(ratePerSecond / 10));
}
