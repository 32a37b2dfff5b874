/**
 * Periodic upkeep: heartbeat, leases that ran out or whose process is gone handed back, report deadlines (UNKNOWN),
 * validity (EXPIRED, refunded), reviews not decided in time (their held messages EXPIRED,
 * refunded), orphan reports re-matched and purged, feeds numbered, message counts folded.
 */
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../store/connect.js';
import { sequenceFeeds } from '../store/feeds.js';
import type { IdAllocator } from '../store/ids.js';
import { findSilentInstances, forgetInstances, heartbeat } from '../store/instances.js';
import { foldTallies } from '../store/message-tallies.js';
import { rematchOrphans } from '../store/reports.js';
import { flushStaleSegments, type UplinkProtector } from '../store/uplinks.js';
import { expireReviews } from '../store/reviews.js';
import { expireDeadlines, expireQueued, purgeOrphans, reclaimLeases, SWEEP_LIMIT } from '../store/sweeps.js';

/** How often the message counts' deltas are folded (store/message-tallies.ts). */
const FOLD_EVERY_MS = 10_000;

export interface SweeperSettings {
  instanceId: string;
  host: string;
  sweepMs: number;
  validityMs: number;
  /** A review pending longer than this expires with its held messages (sending.reviewHoldHours). */
  reviewHoldMs: number;
  /** A process whose heartbeat is older than this is forgotten (its leases still run their course). */
  staleMs: number;
  /** The dispatcher's lease: one of this process's own leases is handed back a lease after it ran out. */
  leaseMs: number;
  /** Orphan reports older than this are dropped. */
  orphanTtlMs: number;
  /** Segments of a long uplink waiting longer than this are kept as a PARTIAL message. */
  reassemblyMs: number;
  /** Masks passwords in a command whose segments stopped arriving (see store/uplinks.ts). */
  protectUplink?: UplinkProtector;
}

export interface SweepSummary {
  reclaimed: number;
  unknown: number;
  expired: number;
  /** Reviews expired, their held messages with them. */
  reviewsExpired: number;
  rematched: number;
  sequenced: number;
  /** Long uplinks kept incomplete. */
  partial: number;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private foldedAt = 0;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly ids: IdAllocator,
    private readonly settings: SweeperSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly onChange: () => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.logger.error({ err }, '例行维护失败 sweep failed'))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.settings.sweepMs);
    this.timer.unref();
  }

  async runOnce(): Promise<SweepSummary> {
    const db = this.handle.db;
    const now = this.now();
    const self = { id: this.settings.instanceId, host: this.settings.host, pid: process.pid };
    if ((await heartbeat(db, self, now)) === 'registered')
      this.logger.warn('实例记录被其他进程清除，已重新登记 instance row was forgotten; registered again');
    const silent = await findSilentInstances(db, {
      self: self.id,
      host: self.host,
      now,
      staleMs: this.settings.staleMs,
      isAlive: pidAlive,
    });
    const reclaimed = await reclaimLeases(db, this.handle.caps, {
      now,
      deadOwners: silent.gone,
      self: self.id,
      ownGraceMs: this.settings.leaseMs,
    });
    if (reclaimed < SWEEP_LIMIT) await forgetInstances(db, [...silent.gone, ...silent.stale]);
    const unknown = await expireDeadlines(db, this.handle.caps, this.ids, now);
    const expired = await expireQueued(db, this.handle.caps, this.ids, now, this.settings.validityMs);
    const reviewsExpired = await expireReviews(
      db,
      this.handle.caps,
      this.ids,
      now,
      this.settings.reviewHoldMs,
    );
    const rematched = await rematchOrphans(db, this.handle.caps, this.ids, now);
    await purgeOrphans(db, now - this.settings.orphanTtlMs);
    const partial = await flushStaleSegments(
      db,
      this.ids,
      now - this.settings.reassemblyMs,
      this.settings.protectUplink,
    );
    const sequenced = await sequenceFeeds(db, this.handle.caps);
    // Readers add what is not folded yet, so folding every few seconds is enough: one commit (and,
    // on SQLite, one fsync) less per sweep while messages flow.
    if (now - this.foldedAt >= FOLD_EVERY_MS) {
      await foldTallies(db, this.handle.caps);
      this.foldedAt = now;
    }
    const summary = { reclaimed, unknown, expired, reviewsExpired, rematched, sequenced, partial };
    if (reclaimed + unknown + expired + reviewsExpired + rematched + partial > 0) {
      this.logger.info(summary, '例行维护 sweep');
      if (reclaimed > 0) this.onChange();
    }
    return summary;
  }
}
