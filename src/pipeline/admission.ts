/**
 * Admission: validated send requests are written in groups (group commit) and answered only once
 * their group is durable. The dispatcher is woken after each commit.
 */
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import { admitGroup, type AdmissionResult, type PreparedAdmission } from '../store/admission.js';
import { GroupCommitter } from './group-commit.js';

export interface AdmissionOptions {
  /** Most recipients written in one transaction. */
  maxGroupRecipients?: number;
  now?: () => number;
  onCommitted?: () => void;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint/i.test(e?.message ?? '')
  );
}

export class Admission {
  private readonly committer: GroupCommitter<PreparedAdmission, AdmissionResult>;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly ids: IdAllocator,
    options: AdmissionOptions = {},
  ) {
    const now = options.now ?? Date.now;
    this.committer = new GroupCommitter(
      async (group) => {
        let results: AdmissionResult[];
        try {
          results = await admitGroup(this.handle.db, this.handle.caps, this.ids, group, now());
        } catch (err) {
          // Another process committed the same clientMsgId first: run again, which now replays it.
          if (!isUniqueViolation(err)) throw err;
          results = await admitGroup(this.handle.db, this.handle.caps, this.ids, group, now());
        }
        options.onCommitted?.();
        return results;
      },
      { maxWeight: options.maxGroupRecipients ?? 5000, weight: (r) => Math.max(1, r.recipients.length) },
    );
  }

  admit(request: PreparedAdmission): Promise<AdmissionResult> {
    return this.committer.submit(request);
  }

  close(): Promise<void> {
    return this.committer.close();
  }
}
