/**
 * Proposed changes to the sensitive words and the black and white lists (routes/proposals.ts,
 * web/pages/proposals/; docs/security.md §7): an operator proposes, the security administrator
 * approves or rejects.
 */
import { z } from 'zod';
import { PROPOSAL_KINDS, PROPOSAL_STATUSES } from '../../domain/list-proposals.js';
import { WORD_ACTIONS } from '../../domain/sensitive-words.js';

const list = z.enum(['BLACKLIST', 'WHITELIST']);
const action = z.enum(WORD_ACTIONS);

/**
 * POST /proposals. One flat shape (Fastify's validator strips unknown keys per branch of a union):
 * `word.add` takes `words` (one a line) and `action`; `word.update` `wordId` and `action`;
 * `word.remove` `wordId`; `list.add` `list` and `numbers` (pasted); `list.remove` `list` and the
 * entry's sealed `key` from GET /lists.
 */
export const proposalRequest = z
  .object({
    kind: z.enum(PROPOSAL_KINDS),
    words: z.string().min(1).max(20_000).optional(),
    action: action.optional(),
    wordId: z.number().int().min(1).optional(),
    list: list.optional(),
    numbers: z.string().min(1).max(200_000).optional(),
    key: z.string().min(1).max(512).optional(),
    note: z.string().max(200).optional(),
  })
  .strict();
export type ProposalRequest = z.infer<typeof proposalRequest>;

export const proposalDecision = z.object({ note: z.string().max(200).optional() }).strict();
export type ProposalDecision = z.infer<typeof proposalDecision>;

export const proposalsQuery = z.object({ status: z.enum(PROPOSAL_STATUSES).optional() }).strict();

/** A proposal as the browser sees it: numbers masked, at most 50 of them shown. */
export const proposalView = z.object({
  id: z.number(),
  kind: z.enum(PROPOSAL_KINDS),
  status: z.enum(PROPOSAL_STATUSES),
  /** Lets through what was stopped (removal, white list, block → review): shown as a warning. */
  loosens: z.boolean(),
  words: z.array(z.string()),
  action: action.nullable(),
  from: action.nullable(),
  list: list.nullable(),
  mobiles: z.array(z.string()),
  count: z.number(),
  note: z.string().nullable(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type ProposalView = z.infer<typeof proposalView>;

export const proposalsAnswer = z.object({ pending: z.number(), proposals: z.array(proposalView) });
export type ProposalsAnswer = z.infer<typeof proposalsAnswer>;

export const proposalAdded = z.object({ id: z.number(), count: z.number(), invalid: z.array(z.string()) });
export type ProposalAdded = z.infer<typeof proposalAdded>;
