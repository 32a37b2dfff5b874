/** The Tickets page's calls (routes/tickets.ts, web/pages/tickets/). */
import { z } from 'zod';

const ticketStatus = z.enum(['OPEN', 'HANDLING', 'DONE', 'REJECTED']);
const outcome = z.enum(['done', 'rejected']);

/** GET /tickets: statuses comma-separated, a kind, Beijing `YYYY-MM-DD[ HH:mm[:ss]]` bounds. */
export const ticketsQuery = z
  .object({
    status: z.string().max(64).optional(),
    kind: z.string().max(32).optional(),
    from: z.string().max(32).optional(),
    to: z.string().max(32).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();
export type TicketsQuery = z.infer<typeof ticketsQuery>;

/** A ticket with the citizen masked as stored (phone, name, SSN). */
export const ticketView = z.object({
  requestNo: z.string(),
  kind: z.string(),
  status: ticketStatus,
  /** Who acts on it: the card system (card loss) or the staff. */
  handler: z.enum(['card-system', 'staff']),
  reference: z.string().nullable(),
  assignee: z.string().nullable(),
  mobile: z.string(),
  name: z.string().nullable(),
  ssn: z.string().nullable(),
  params: z.record(z.string(), z.string()),
  result: outcome.nullable(),
  resultText: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type TicketView = z.infer<typeof ticketView>;

export const ticketsAnswer = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  tickets: z.array(ticketView),
  counts: z.record(ticketStatus, z.number()),
  /** The kinds on record, for the filter. */
  kinds: z.array(z.string()),
});
export type TicketsAnswer = z.infer<typeof ticketsAnswer>;

export const requestNoParams = z.object({ requestNo: z.string().regex(/^[A-Z]{2}\d{8,12}$/) }).strict();

/** POST /tickets/:requestNo/take */
export const takenAnswer = z.object({ ticket: ticketView.nullable() });

/** POST /tickets/:requestNo/identity (audited): the taker's full view of the citizen. */
export const identityAnswer = z.object({
  requestNo: z.string(),
  mobile: z.string(),
  name: z.string().nullable(),
  ssn: z.string().nullable(),
});
export type IdentityAnswer = z.infer<typeof identityAnswer>;

/** The outcome of a ticket: GET …/preview (query) and POST …/complete (body). */
export const ticketOutcome = z.object({ result: outcome, text: z.string().max(100).optional() }).strict();
export type TicketOutcome = z.infer<typeof ticketOutcome>;

/** The result SMS as the citizen will receive it, to the masked number. */
export const previewAnswer = z.object({ mobile: z.string(), text: z.string() });
export type PreviewAnswer = z.infer<typeof previewAnswer>;

/** POST …/complete: the ticket done and the result SMS queued (null: no message, e.g. no number). */
export const completedAnswer = z.object({ ticket: ticketView, messageId: z.number().nullable() });
