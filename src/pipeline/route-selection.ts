/**
 * Choosing among the gateways that serve a carrier (pure: the router feeds it snapshots).
 * - Smooth weighted round robin (as nginx balances upstreams): over time each gateway gets its
 *   weight's share, interleaved rather than in bursts.
 * - A gateway without room (down, or its window full) is skipped: traffic fails over to the others.
 * - A gateway that keeps answering "not now" (flow control, no link, no answer) cools down for a
 *   while, doubling each time, so a refusing link stops taking a share until it recovers. If every
 *   gateway with room is cooling down, the least recently cooled is used anyway.
 */
export interface Candidate {
  id: string;
  weight: number;
  room: number;
}

const FAILURE_STREAK = 3;
const COOLDOWN_MIN_MS = 1000;
const COOLDOWN_MAX_MS = 60_000;

interface Health {
  current: number;
  streak: number;
  coolUntil: number;
  cooldowns: number;
}

export class WeightedSelector {
  private readonly health = new Map<string, Health>();

  constructor(private readonly now: () => number = Date.now) {}

  private of(id: string): Health {
    let h = this.health.get(id);
    if (!h) {
      h = { current: 0, streak: 0, coolUntil: 0, cooldowns: 0 };
      this.health.set(id, h);
    }
    return h;
  }

  /** The gateway to use next, or null when none has room. */
  pick(candidates: readonly Candidate[]): string | null {
    const withRoom = candidates.filter((c) => c.room > 0 && c.weight > 0);
    if (withRoom.length === 0) return null;
    const now = this.now();
    const healthy = withRoom.filter((c) => this.of(c.id).coolUntil <= now);
    const pool =
      healthy.length > 0
        ? healthy
        : [...withRoom].sort((a, b) => this.of(a.id).coolUntil - this.of(b.id).coolUntil).slice(0, 1);
    let best: Candidate | null = null;
    let total = 0;
    for (const c of pool) {
      const h = this.of(c.id);
      h.current += c.weight;
      total += c.weight;
      if (!best || h.current > this.of(best.id).current) best = c;
    }
    if (!best) return null;
    this.of(best.id).current -= total;
    return best.id;
  }

  /** What a gateway answered: taken parts heal it, "not now" answers in a row cool it down. */
  record(id: string, outcome: 'accepted' | 'rejected' | 'retry' | 'unanswered'): void {
    const h = this.of(id);
    if (outcome === 'accepted' || outcome === 'rejected') {
      h.streak = 0;
      if (outcome === 'accepted') h.cooldowns = 0;
      return;
    }
    h.streak++;
    if (h.streak >= FAILURE_STREAK) {
      h.streak = 0;
      h.coolUntil = this.now() + Math.min(COOLDOWN_MAX_MS, COOLDOWN_MIN_MS * 2 ** h.cooldowns);
      h.cooldowns++;
    }
  }

  coolingDown(id: string): boolean {
    return this.of(id).coolUntil > this.now();
  }
}
