/**
 * The correlator's writer: gateway outcomes, delivery reports and uplinks are written in groups, in
 * arrival order, each caller released only after its group is durable. Gateways acknowledge a
 * report or an uplink to the carrier only after that, so a crash loses neither.
 */
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import {
  recordEvents,
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

export interface WriterCounters {
  groups: number;
  events: number;
  finished: number;
  orphaned: number;
  matchedOrphans: number;
}

export class EventWriter {
  private readonly committer: GroupCommitter<PipelineEvent, undefined>;
  readonly counters: WriterCounters = { groups: 0, events: 0, finished: 0, orphaned: 0, matchedOrphans: 0 };

  constructor(
    handle: DatabaseHandle,
    ids: IdAllocator,
    settings: OutcomeSettings,
    options: { now?: () => number; onFinished?: (count: number) => void } = {},
  ) {
    const now = options.now ?? Date.now;
    this.committer = new GroupCommitter(
      async (events) => {
        const summary = await recordEvents(
          handle.db,
          ids,
          {
            submissions: events.flatMap((e) => (e.kind === 'submission' ? [e.record] : [])),
            reports: events.flatMap((e) => (e.kind === 'report' ? [e.record] : [])),
            uplinks: events.flatMap((e) => (e.kind === 'uplink' ? [e.record] : [])),
          },
          settings,
          now(),
        );
        this.counters.groups++;
        this.counters.events += events.length;
        this.counters.finished += summary.finished;
        this.counters.orphaned += summary.orphaned;
        this.counters.matchedOrphans += summary.matchedOrphans;
        if (summary.finished > 0) options.onFinished?.(summary.finished);
        return events.map(() => undefined);
      },
      { maxWeight: 5000 },
    );
  }

  write(event: PipelineEvent): Promise<void> {
    return this.committer.submit(event);
  }

  pending(): number {
    return this.committer.pending();
  }

  close(): Promise<void> {
    return this.committer.close();
  }
}
