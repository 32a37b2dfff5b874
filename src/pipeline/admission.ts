/**
 * Admission: validated send requests are written in groups (group commit) and answered only once
 * their group is durable. The dispatcher is woken after each commit.
 */
import type { Config } from '../config/schema.js';
import { quietWindow } from '../domain/quiet-hours.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import {
  admitGroup,
  NO_SENDING_RULES,
  type AdmissionResult,
  type PreparedAdmission,
  type SendingRules,
} from '../store/admission.js';
import { GroupCommitter } from './group-commit.js';

export interface AdmissionOptions {
  /** Most recipients written in one transaction. */
  maxGroupRecipients?: number;
  now?: () => number;
  onCommitted?: () => void;
  /** Quiet hours and frequency limits (default: none). */
  rules?: SendingRules;
}

/** The sending windows configured under `sending` (DESIGN §5). */
export function sendingRulesFrom(sending: Config['sending']): SendingRules {
  return {
    quietHours: quietWindow(sending.quietHours),
    frequency: {
      identicalContentWindowMs: sending.frequency.identicalContentWindowMinutes * 60_000,
      maxPerNumberPerDay: sending.frequency.maxPerNumberPerDay,
    },
  };
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
    const rules = options.rules ?? NO_SENDING_RULES;
    this.committer = new GroupCommitter(
      async (group) => {
        let results: AdmissionResult[];
        try {
          results = await admitGroup(this.handle.db, this.handle.caps, this.ids, group, now(), rules);
        } catch (err) {
          // Another process committed the same clientMsgId first: run again, which now replays it.
          if (!isUniqueViolation(err)) throw err;
          results = await admitGroup(this.handle.db, this.handle.caps, this.ids, group, now(), rules);
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
