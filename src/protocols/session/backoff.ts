/**
 * Reconnect delays: exponential from `minMs`, capped at `maxMs`, with jitter so that many
 * connections (or many platform processes) that lost a gateway together do not return in step.
 * Each delay lies in [minMs, maxMs]; `reset` after a successful bind starts over.
 */
export interface Backoff {
  next(): number;
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(options: { minMs: number; maxMs: number; random?: () => number }): Backoff {
  const random = options.random ?? Math.random;
  const maxMs = Math.max(options.minMs, options.maxMs);
  let attempts = 0;
  return {
    get attempts() {
      return attempts;
    },
    next() {
      const base = Math.min(maxMs, options.minMs * 2 ** Math.min(attempts, 30));
      attempts++;
      // "Equal jitter": half the step is fixed, half random.
      return Math.round(Math.min(maxMs, Math.max(options.minMs, base / 2 + (random() * base) / 2)));
    },
    reset() {
      attempts = 0;
    },
  };
}
