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

/** An item's rows were held by another session: it goes again in a later group. */
const BUSY = Symbol('busy');
/** How often, and how long, an item whose rows another session holds is offered again. */
const BUSY_RETRY_MS = 250;
/** Beyond PostgreSQL's limit on an idle transaction (5 s), which frees a paused peer's locks. */
const BUSY_LIMIT_MS = 10_000;

/**
 * An event not written because another session held its rows past `BUSY_LIMIT_MS`. Nothing of it
 * was written: a gateway answers the carrier "try again" for a report.
 */
export class RowsBusy extends Error {
  constructor() {
    super('rows held by another session 数据行被其他会话占用');
    this.name = 'RowsBusy';
  }
}

export interface WriterCounters {
  groups: number;
  events: number;
  finished: number;
  orphaned: number;
  matchedOrphans: number;
  /** Groups rolled back (a deadlock, a lock wait given up, a session ended) and written again. */
  retried: number;
  /** Events put off because another session held their rows (a paused peer's transaction). */
  putOff: number;
}

export class EventWriter {
  private readonly committer: GroupCommitter<Item, ClaimedMessage[] | typeof BUSY | undefined>;
  readonly counters: WriterCounters = {
    groups: 0,
    events: 0,
    finished: 0,
    orphaned: 0,
    matchedOrphans: 0,
    retried: 0,
    putOff: 0,
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
          // Rides on the next group when there is one; otherwise makes one, a moment later: a
          // message another session holds must not make an idle writer spin.
          setTimeout(
            () => void this.committer.submit({ kind: 'settle' }).catch(() => undefined),
            BUSY_RETRY_MS,
          ).unref();
        }
        this.counters.finished += summary.finished;
        this.counters.orphaned += summary.orphaned;
        this.counters.matchedOrphans += summary.matchedOrphans;
        this.counters.putOff += summary.busy.reports.size + summary.busy.submissions.size;
        if (summary.finished > 0) options.onFinished?.(summary.finished);
        let claim = 0;
        let submission = 0;
        let report = 0;
        return events.map((e) => {
          if (e.kind === 'claim') return summary.claimed[claim++] ?? [];
          if (e.kind === 'submission' && summary.busy.submissions.has(submission++)) return BUSY;
          if (e.kind === 'report' && summary.busy.reports.has(report++)) return BUSY;
          return undefined;
        });
      },
      { maxWeight: 5000 },
    );
  }

  /**
   * Resolves once the event is durable. An event whose rows another session holds is offered
   * again every `BUSY_RETRY_MS` rather than waited for in the group, which would hold up every
   * other event of this process; past `BUSY_LIMIT_MS` it fails with `RowsBusy`.
   */
  async write(event: PipelineEvent): Promise<void> {
    const started = performance.now();
    while ((await this.committer.submit(event)) === BUSY) {
      if (performance.now() - started > BUSY_LIMIT_MS) throw new RowsBusy();
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }

  /** Hands never-sent claimed messages back to the queue in the next group's transaction. */
  async release(request: ReleaseRequest): Promise<void> {
    await this.committer.submit({ kind: 'release', request });
  }

  /** Claims due messages in the next group's transaction (see ClaimRequest). */
  async claim(request: ClaimRequest): Promise<ClaimedMessage[]> {
    const claimed = await this.committer.submit({ kind: 'claim', request });
    return Array.isArray(claimed) ? claimed : [];
  }

  pending(): number {
    return this.committer.pending();
  }

  close(): Promise<void> {
    return this.committer.close();
  }
}
