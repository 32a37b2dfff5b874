/**
 * A change to the filter rules or the black and white lists that an operator proposes and the
 * security administrator approves or rejects (docs/security.md §7, separation of duties): what it
 * changes, kept as data until it is decided.
 */
import type { WordAction } from './sensitive-words.js';

export const PROPOSAL_KINDS = ['word.add', 'word.update', 'word.remove', 'list.add', 'list.remove'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];
export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export type EditableList = 'BLACKLIST' | 'WHITELIST';

export type ProposalChange =
  | { kind: 'word.add'; words: string[]; action: WordAction }
  | { kind: 'word.update'; wordId: number; word: string; from: WordAction; action: WordAction }
  | { kind: 'word.remove'; wordId: number; word: string; action: WordAction }
  | { kind: 'list.add'; list: EditableList; mobiles: string[] }
  | { kind: 'list.remove'; list: EditableList; mobile: string };

export interface Proposal {
  id: number;
  change: ProposalChange;
  note: string | null;
  status: ProposalStatus;
  proposedBy: string;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
}

/** Whether a change loosens the rules (lets through what was stopped) rather than tightening them. */
export function loosens(change: ProposalChange): boolean {
  switch (change.kind) {
    case 'word.add':
      return false;
    case 'word.update':
      return change.from === 'block' && change.action === 'review';
    case 'word.remove':
    case 'list.remove':
      return true;
    case 'list.add':
      return change.list === 'WHITELIST';
  }
}
