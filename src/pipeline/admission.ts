/**
 * Admission: validated send requests are written in groups (group commit) and answered only once
 * their group is durable. The dispatcher is woken after each commit.
 *
 * Every request through here — business systems' and the console's; the platform's own replies,
 * results and verification codes are admitted elsewhere — is first screened for sensitive words
 * (docs/design.md §5): a `block` word refuses it whole (nothing queued or charged), a `review` word holds
 * its messages HELD under a new `sensitive-words` review (store/reviews.ts).
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
  type StoredAdmission,
} from '../store/admission.js';
import type { WordVerdict } from '../domain/sensitive-words.js';
import { GroupCommitter } from './group-commit.js';
import type { SensitiveWordList } from './sensitive-words.js';

export interface AdmissionOptions {
  /** Most recipients written in one transaction. */
  maxGroupRecipients?: number;
  now?: () => number;
  onCommitted?: () => void;
  /** Quiet hours and frequency limits (default: none). */
  rules?: SendingRules;
  /** The sensitive-word list (default: none). */
  words?: SensitiveWordList;
}

/** The sending windows configured under `sending` (docs/design.md §5). */
export function sendingRulesFrom(sending: Config['sending']): SendingRules {
  return {
    quietHours: quietWindow(sending.quietHours),
    frequency: {
      identicalContentWindowMs: sending.frequency.identicalContentWindowMinutes * 60_000,
      maxPerNumberPerDay: sending.frequency.maxPerNumberPerDay,
    },
    validityMs: sending.validitySeconds * 1000,
  };
}

/** A clientMsgId committed first elsewhere, or two groups' balance locks crossed (PostgreSQL). */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return (
    e?.code === '23505' ||
    e?.code === '40P01' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint/i.test(e?.message ?? '')
  );
}

export class Admission {
  private readonly committer: GroupCommitter<PreparedAdmission, StoredAdmission>;
  private readonly words: SensitiveWordList | undefined;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly ids: IdAllocator,
    options: AdmissionOptions = {},
  ) {
    this.words = options.words;
    const now = options.now ?? Date.now;
    const rules = options.rules ?? NO_SENDING_RULES;
    this.committer = new GroupCommitter(
      async (group) => {
        let results: StoredAdmission[];
        try {
          results = await admitGroup(this.handle.db, this.handle.caps, this.ids, group, now(), rules);
        } catch (err) {
          // Another group or process committed the same clientMsgId first: run again, which now
          // replays it; or a deadlock chose this group: run again.
          if (!isUniqueViolation(err)) throw err;
          results = await admitGroup(this.handle.db, this.handle.caps, this.ids, group, now(), rules);
        }
        options.onCommitted?.();
        return results;
      },
      {
        maxWeight: options.maxGroupRecipients ?? 5000,
        weight: (r) => Math.max(1, r.recipients.length),
        // The next group is read and written while the last one's commit reaches the disk.
        concurrency: 2,
      },
    );
  }

  async admit(request: PreparedAdmission): Promise<AdmissionResult> {
    const verdict = await this.screen(request.content);
    if (verdict.block.length > 0) {
      // A retry of an accepted request replays its answer; only the transaction can tell.
      if (request.clientMsgId !== null)
        return this.committer.submit({ ...request, refuseWords: verdict.block });
      return { kind: 'refused', words: verdict.block };
    }
    if (verdict.review.length > 0) return this.committer.submit({ ...request, reviewWords: verdict.review });
    return this.committer.submit(request);
  }

  /** The listed words a text contains, by action (the console's preview shows them). */
  screen(content: string): Promise<WordVerdict> {
    return this.words ? this.words.verdict(content) : Promise.resolve({ block: [], review: [] });
  }

  close(): Promise<void> {
    return this.committer.close();
  }
}
