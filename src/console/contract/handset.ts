/** The demo Handset page's calls (routes/handset.ts, web/pages/handset/). */
import { z } from 'zod';
import { CARRIERS } from '../../domain/carrier.js';

/** GET /handset/links: the in-process simulators a citizen can text through, by index. */
export const handsetLinks = z.object({
  links: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      carrier: z.string(),
      carriers: z.array(z.string()),
      /** The platform's number on this link: where a citizen texts 12333. */
      serviceNumber: z.string(),
    }),
  ),
});
export type HandsetLinks = z.infer<typeof handsetLinks>;
export type HandsetLink = HandsetLinks['links'][number];

const link = z.number().int().min(0).max(99);
const mobile = z.string().min(1).max(20);

/** POST /handset/mo: a citizen's text to the platform (at most a long SMS of a few segments). */
export const handsetMo = z.object({ link, mobile, text: z.string().min(1).max(500) }).strict();
export type HandsetMo = z.infer<typeof handsetMo>;
export const handsetMoAnswer = z.object({
  sent: z.literal(true),
  to: z.string(),
  carrier: z.enum(CARRIERS).nullable(),
});

/** GET /handset/inbox: what that phone received, long messages reassembled. */
export const handsetInboxQuery = z.object({ link: z.coerce.number().int().min(0).max(99), mobile }).strict();
export const handsetInbox = z.object({
  mobile: z.string(),
  messages: z.array(
    z.object({ from: z.string(), text: z.string(), segments: z.number(), receivedAt: z.string() }),
  ),
});
export type HandsetInbox = z.infer<typeof handsetInbox>;
