/** The Replies page's calls (routes/replies.ts, web/pages/replies/). */
import { z } from 'zod';

/** A reply text as a citizen would get it with sample values; its length with the longest ones. */
export const replyPreview = z.object({
  text: z.string(),
  chars: z.number(),
  limit: z.number(),
  segments: z.number(),
  /** Why the text cannot be saved (unknown variable, longer than one SMS); null: it can. */
  problem: z.string().nullable(),
});
export type ReplyPreview = z.infer<typeof replyPreview>;

export const replyView = z.object({
  key: z.string(),
  purpose: z.object({ zh: z.string(), en: z.string() }),
  builtIn: z.string(),
  content: z.string(),
  variables: z.array(z.string()),
  /** Who changed it last and when; null: the built-in text. */
  edited: z.object({ by: z.string(), at: z.string() }).nullable(),
  preview: replyPreview,
});
export type ReplyView = z.infer<typeof replyView>;

/** GET /replies */
export const repliesAnswer = z.object({
  signature: z.string(),
  samples: z.record(z.string(), z.string()),
  replies: z.array(replyView),
});
export type RepliesAnswer = z.infer<typeof repliesAnswer>;

const content = z.string().max(500);

/** POST /replies/preview */
export const replyPreviewBody = z.object({ key: z.string().max(40), content }).strict();
/** PUT /replies/:key */
export const replyEdit = z.object({ content }).strict();
export type ReplyEdit = z.infer<typeof replyEdit>;
export const replyKeyParams = z.object({ key: z.string().max(40) }).strict();
/** PUT and DELETE /replies/:key: the text now in use. */
export const replyAnswer = z.object({ key: z.string(), content: z.string() });
