/**
 * The correlator's writer: gateway outcomes, delivery reports and uplinks are written in groups, in
 * arrival order, each caller released only after its group is durable. Gateways acknowledge a
 * report or an uplink to the carrier only after that, so a crash loses neither. The dispatcher's
 * claims join the same groups: one commit (one fsync on SQLite) serves them all.
 */
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import type { ClaimedMessage, ClaimRequest, ReleaseRequest } from '../store/outbox.js';
import {
  recordEvents,
  RolledBack,
  type OutcomeSettings,
  type ReportRecord,
  type SubmissionRecord,
  type UplinkRecord,
} from '../store/outcomes.js';
import { GroupCommitter } from './group-commit.js';

export type PipelineEvent =
  | { kind: 'submission'; record: SubmissionRecord }
  | { kind: 'report'; record: ReportRecord }
  | { kind: 'uplink'; record: UplinkRecord };

type Item =
  | PipelineEvent
  | { kind: 'claim'; request: ClaimRequest }
  | { kind: 'release'; request: ReleaseRequest }
  | { kind: 'settle' };

export interface WriterCounters {
  groups: number;
  events: number;
  finished: number;
  orphaned: number;
  matchedOrphans: number;
  /** Groups rolled back (a deadlock, a lock wait given up, a session ended) and written again. */
  retried: number;
}

export class EventWriter {
  private readonly committer: GroupCommitter<Item, ClaimedMessage[] | undefined>;
  readonly counters: WriterCounters = {
    groups: 0,
    events: 0,
    finished: 0,
    orphaned: 0,
    matchedOrphans: 0,
    retried: 0,
  };
  /**
   * Messages the last group left partly reported. Another process may have committed their other
   * parts' reports at the same time, unseen by either transaction; the next group looks again.
   */
  private unsettled: number[] = [];

  constructor(
    handle: DatabaseHandle,
    ids: IdAllocator,
    settings: OutcomeSettings,
    options: { now?: () => number; onFinished?: (count: number) => void } = {},
  ) {
    const now = options.now ?? Date.now;
    this.committer = new GroupCommitter(
      async (events) => {
        const settle = this.unsettled;
        this.unsettled = [];
        const input = {
          submissions: events.flatMap((e) => (e.kind === 'submission' ? [e.record] : [])),
          reports: events.flatMap((e) => (e.kind === 'report' ? [e.record] : [])),
          uplinks: events.flatMap((e) => (e.kind === 'uplink' ? [e.record] : [])),
          claims: events.flatMap((e) => (e.kind === 'claim' ? [e.request] : [])),
          releases: events.flatMap((e) => (e.kind === 'release' ? [e.request] : [])),
          settle,
        };
        const write = () => recordEvents(handle.db, handle.caps, ids, input, settings, now());
        // Nothing of a rolled-back group was written: once more, on a fresh connection, before the
        // callers hear of a failure (a carrier told "try again" may not deliver again for long).
        const summary = await write()
          .catch((err: unknown) => {
            if (!(err instanceof RolledBack)) throw err;
            this.counters.retried++;
            return write();
          })
          .catch((err: unknown) => {
            this.unsettled.push(...settle);
            throw err;
          });
        this.counters.groups++;
        this.counters.events += events.filter(
          (e) => e.kind === 'submission' || e.kind === 'report' || e.kind === 'uplink',
        ).length;
        if (summary.unsettled.length > 0) {
          this.unsettled = summary.unsettled;
          // Rides on the next group when there is one; otherwise makes one.
          this.committer.submit({ kind: 'settle' }).catch(() => undefined);
        }
        this.counters.finished += summary.finished;
        this.counters.orphaned += summary.orphaned;
        this.counters.matchedOrphans += summary.matchedOrphans;
        if (summary.finished > 0) options.onFinished?.(summary.finished);
        let next = 0;
        return events.map((e) => (e.kind === 'claim' ? (summary.claimed[next++] ?? []) : undefined));
      },
      { maxWeight: 5000 },
    );
  }

  async write(event: PipelineEvent): Promise<void> {
    await this.committer.submit(event);
  }

  /** Hands never-sent claimed messages back to the queue in the next group's transaction. */
  async release(request: ReleaseRequest): Promise<void> {
    await this.committer.submit({ kind: 'release', request });
  }

  /** Claims due messages in the next group's transaction (see ClaimRequest). */
  async claim(request: ClaimRequest): Promise<ClaimedMessage[]> {
    return (await this.committer.submit({ kind: 'claim', request })) ?? [];
  }

  pending(): number {
    return this.committer.pending();
  }

  close(): Promise<void> {
    return this.committer.close();
  }
}
