/** The Uplinks page's call (routes/uplinks.ts, web/pages/uplinks/). */
import { z } from 'zod';

/** GET /uplinks: filters, `after` (the previous page's `next`) and a page size. */
export const uplinksQuery = z
  .object({
    mobile: z.string().max(20).optional(),
    /** A business system by name, or `citizen` (the 12333 service). */
    owner: z.string().max(64).optional(),
    /** ISO 8601 times. */
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    text: z.string().max(100).optional(),
    after: z.string().max(40).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type UplinksQuery = z.infer<typeof uplinksQuery>;

/** One message a citizen texted; the number masked, ID numbers in the text masked. */
export const uplinkView = z.object({
  id: z.string(),
  mobile: z.string(),
  ext: z.string(),
  destId: z.string(),
  gateway: z.string(),
  /** The business system it went to by extension code; null: the 12333 service. */
  owner: z.string().nullable(),
  text: z.string(),
  receivedAt: z.string(),
  status: z.string(),
  handledAt: z.string().nullable(),
  /** The service command recognised, and what the command engine made of it. */
  command: z.string().nullable(),
  outcome: z.string().nullable(),
});
export type UplinkView = z.infer<typeof uplinkView>;

export const uplinksAnswer = z.object({
  uplinks: z.array(uplinkView),
  /** The cursor of the next (older) page, null on the last. */
  next: z.string().nullable(),
  /** For the owner filter. */
  apps: z.array(z.string()),
});
export type UplinksAnswer = z.infer<typeof uplinksAnswer>;
