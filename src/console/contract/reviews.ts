/** The Review page's calls (routes/reviews.ts, web/pages/review/). */
import { z } from 'zod';
import { wordHit } from './words.js';

const reviewStatus = z.enum(['pending', 'approved', 'rejected', 'expired']);

/** GET /reviews: pending ones oldest first, or decided ones newest first. */
export const reviewsQuery = z
  .object({
    status: z.enum(['pending', 'decided']).default('pending'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type ReviewsQuery = z.infer<typeof reviewsQuery>;

export const reviewView = z.object({
  id: z.number(),
  /** Why it is held: over the console's size threshold, or a word that asks for review. */
  kind: z.enum(['batch-size', 'sensitive-words']),
  status: reviewStatus,
  appId: z.number(),
  appName: z.string(),
  /** The console user who sent it; null: a business system through the interface. */
  requestedBy: z.string().nullable(),
  messageCount: z.number(),
  batches: z.number(),
  /** Signature and text of the first batch. */
  sampleText: z.string().nullable(),
  /** The words that asked for the review, and where the list's words are in the text now. */
  words: z.array(z.string()).readonly(),
  hits: z.array(wordHit),
  summary: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
});
export type ReviewView = z.infer<typeof reviewView>;

export const reviewsAnswer = z.object({
  counts: z.record(reviewStatus, z.number()),
  total: z.number(),
  items: z.array(reviewView),
});
export type ReviewsAnswer = z.infer<typeof reviewsAnswer>;

/** GET /reviews/:id: with the charge, schedule and up to 20 recipients (masked). */
export const reviewDetailAnswer = z.object({
  review: reviewView.extend({
    charged: z.number(),
    category: z.string().nullable(),
    sendAt: z.string().nullable(),
    byStatus: z.record(z.string(), z.number()),
    recipients: z.array(z.object({ mobile: z.string(), status: z.string(), stat: z.string().nullable() })),
  }),
});
export type ReviewDetailAnswer = z.infer<typeof reviewDetailAnswer>;
export type ReviewDetail = ReviewDetailAnswer['review'];

export const decisionAnswer = z.object({
  id: z.number(),
  status: z.enum(['approved', 'rejected']),
  /** Messages released or refunded. */
  messages: z.number(),
});
