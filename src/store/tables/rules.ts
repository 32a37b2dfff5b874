/** What admission checks a send against: number lists, templates, sensitive words, reviews. Types for Kysely (see src/store/schema.ts). */
import type { Generated } from 'kysely';
import type { TemplateKind } from '../../domain/template-kind.js';

export interface MobileBlocksTable {
  mobile: string;
  /**
   * TD: the citizen unsubscribed; BLACKLIST: an operator blocked the number; WHITELIST: an operator
   * exempted it from the frequency limits (docs/design.md §5 sending windows).
   */
  kind: 'TD' | 'BLACKLIST' | 'WHITELIST';
  reason: string | null;
  created_at: number;
}

export interface TemplatesTable {
  id: number;
  app_id: number | null;
  name: string;
  content: string;
  status: 'pending' | 'approved' | 'rejected';
  created_at: number;
  updated_at: number;
  /** Console user who wrote it (or last edited it); null for templates from before migration 0011. */
  created_by: string | null;
  reviewed_by: string | null;
  reviewed_at: number | null;
  review_note: string | null;
  /** `otp` (验证码) or `notice` (通知), migration 0080; existing templates are notices. */
  kind: TemplateKind;
}

/** A word admission looks for in every text (migration 0010, domain/sensitive-words.ts). */
export interface SensitiveWordsTable {
  id: number;
  word: string;
  normalized: string;
  action: 'block' | 'review';
  note: string | null;
  created_by: string;
  created_at: number;
}

/** Held messages waiting for a reviewer (migration 0010, store/reviews.ts). */
export interface ReviewsTable {
  id: number;
  kind: 'batch-size' | 'sensitive-words';
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  app_id: number;
  /** The console user who sent the batch; null when a business system did. */
  requested_by: string | null;
  /** JSON object (store/reviews.ts ReviewSummary). */
  summary: string;
  message_count: Generated<number>;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  note: string | null;
}

/** A change to the filter rules or lists an operator proposed (migration 0085, docs/security.md §7). */
export interface ListProposalsTable {
  id: number;
  kind: 'word.add' | 'word.update' | 'word.remove' | 'list.add' | 'list.remove';
  /** The change as JSON (domain/list-proposals.ts); numbers whole, as in `mobile_blocks`. */
  payload: string;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected';
  proposed_by: string;
  proposed_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
}
