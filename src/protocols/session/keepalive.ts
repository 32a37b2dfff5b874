/**
 * Link keepalive through an injected clock (CMPP ACTIVE_TEST, SMPP enquire_link, SMGP Active_Test):
 * after `idleMs` without an inbound PDU a probe is sent; each probe unanswered for `timeoutMs` is
 * sent again, and after `tries` of them the link is declared dead (CMPP C / T / N, protocols
 * docs/protocols.md §1). Any inbound PDU (`alive`) starts over. One idle timer per link, re-armed lazily: an
 * inbound PDU only records the time, so a busy link costs no timer churn.
 */
import type { Clock, TimerHandle } from './clock.js';

export interface KeepaliveOptions {
  clock: Clock;
  idleMs: number;
  timeoutMs: number;
  tries: number;
  /** Writes one probe; false when it could not (the link is going away). */
  probe(): boolean;
  /** `tries` probes went unanswered. */
  dead(): void;
}

export class Keepalive {
  private lastInbound: number;
  private misses = 0;
  private idle: TimerHandle | null = null;
  private waiting: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly o: KeepaliveOptions) {
    this.lastInbound = o.clock.now();
  }

  /** Starts watching (when the link is bound). */
  start(): void {
    this.arm(this.o.idleMs);
  }

  /** An inbound PDU arrived. */
  alive(): void {
    this.lastInbound = this.o.clock.now();
    this.misses = 0;
    if (this.waiting) {
      this.waiting.cancel();
      this.waiting = null;
      this.arm(this.o.idleMs);
    }
  }

  /** Cancels every timer; nothing fires afterwards. */
  stop(): void {
    this.stopped = true;
    this.idle?.cancel();
    this.waiting?.cancel();
    this.idle = null;
    this.waiting = null;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.idle = this.o.clock.setTimer(ms, () => {
      this.idle = null;
      const idle = this.o.clock.now() - this.lastInbound;
      if (idle < this.o.idleMs) this.arm(this.o.idleMs - idle);
      else this.send();
    });
  }

  private send(): void {
    if (this.stopped || !this.o.probe()) return;
    this.waiting = this.o.clock.setTimer(this.o.timeoutMs, () => {
      this.waiting = null;
      this.misses++;
      if (this.misses >= this.o.tries) this.o.dead();
      else this.send();
    });
  }
}
