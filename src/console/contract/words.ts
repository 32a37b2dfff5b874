/** The Words page's calls (routes/words.ts, web/pages/words/). */
import { z } from 'zod';
import { WORD_ACTIONS } from '../../domain/sensitive-words.js';

const wordAction = z.enum(WORD_ACTIONS);

/** A listed word found in a text, for highlighting (UTF-16 range, end exclusive). */
export const wordHit = z.object({ word: z.string(), action: wordAction, start: z.number(), end: z.number() });

export const wordView = z.object({
  id: z.number(),
  word: z.string(),
  /** `block` (拦截) or `review` (人工审核). */
  action: wordAction,
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type WordView = z.infer<typeof wordView>;

/** GET /words */
export const wordsAnswer = z.object({
  words: z.array(wordView),
  counts: z.object({ block: z.number(), review: z.number() }),
});
export type WordsAnswer = z.infer<typeof wordsAnswer>;

/** POST /words: one word a line (or separated by commas or semicolons). */
export const wordsAdd = z
  .object({
    words: z.string().min(1).max(20_000),
    action: wordAction,
    note: z.string().max(200).optional(),
  })
  .strict();
export type WordsAdd = z.infer<typeof wordsAdd>;

export const wordsAdded = z.object({
  added: z.array(z.string()),
  /** Already listed (as normalised). */
  existing: z.array(z.string()),
  /** Empty once normalised, or longer than 50 characters. */
  invalid: z.array(z.string()),
});
export type WordsAdded = z.infer<typeof wordsAdded>;

/** PUT /words/:id */
export const wordChange = z.object({ action: wordAction }).strict();
export type WordChange = z.infer<typeof wordChange>;
export const wordAnswer = z.object({ word: wordView });

/** DELETE /words/:id: the word removed. */
export const wordRemoved = z.object({ removed: z.string() });

/** POST /words/test: what a text would hit. */
export const wordTest = z.object({ text: z.string().max(2000) }).strict();
export const wordTestAnswer = z.object({
  hits: z.array(wordHit),
  verdict: z.enum(['block', 'review', 'pass']),
  block: z.array(z.string()),
  review: z.array(z.string()),
});
export type WordTestAnswer = z.infer<typeof wordTestAnswer>;
