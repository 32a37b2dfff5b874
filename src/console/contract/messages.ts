/** The Messages page's calls (routes/messages.ts, web/pages/messages/). */
import { z } from 'zod';
import { CARRIERS } from '../../domain/carrier.js';
import { FINAL_STATUSES, PENDING_STATUSES } from '../../domain/status.js';

const STATUSES: readonly string[] = [...PENDING_STATUSES, ...FINAL_STATUSES];
const positive = z.coerce.number().int().min(1);

/** The search's filters (query of GET /messages, body of POST /messages/exports); `''` is no filter. */
export const messageFilter = z
  .object({
    mobile: z.string().max(20).optional(),
    batchId: positive.optional(),
    taskId: positive.optional(),
    msgId: positive.optional(),
    /** A province account (two digits, the ministry platform). */
    province: z
      .string()
      .regex(/^(\d{2})?$/)
      .optional(),
    /** A business system by name. */
    app: z.string().max(64).optional(),
    status: z.enum(['', ...STATUSES]).optional(),
    carrier: z.enum(['', ...CARRIERS]).optional(),
    /** ISO 8601 times. */
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
  })
  .strict();
export type MessageFilter = z.infer<typeof messageFilter>;

/** GET /messages: the filters, `after` (the previous page's `next`) and a page size. */
export const messagesQuery = messageFilter
  .extend({
    after: z.string().max(40).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type MessagesQuery = z.infer<typeof messagesQuery>;

/** One message; the number masked. */
export const messageView = z.object({
  msgId: z.string(),
  batchId: z.string(),
  app: z.string().nullable(),
  mobile: z.string(),
  carrier: z.string(),
  /** Signature and text as sent. */
  content: z.string(),
  status: z.string(),
  stat: z.string().nullable(),
  error: z.string().nullable(),
  segments: z.number(),
  charged: z.number(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  gateway: z.string().nullable(),
});
export type MessageView = z.infer<typeof messageView>;

export const messagesAnswer = z.object({
  rows: z.array(messageView),
  /** The cursor of the next page, null on the last. */
  next: z.string().nullable(),
  /** Matches in all, at most the count cap; `totalExceeds` when there are more. */
  total: z.number(),
  totalExceeds: z.boolean(),
  /** The send task filtered on (`taskId`). */
  task: z
    .object({
      id: z.number(),
      fileName: z.string().nullable(),
      recipients: z.number(),
      createdBy: z.string(),
      createdAt: z.string(),
    })
    .nullable(),
  /** For the business-system filter (12333服务 is the platform's own replies). */
  apps: z.array(z.string()),
});
export type MessagesAnswer = z.infer<typeof messagesAnswer>;

/** GET /messages/:id: the message, its parts as sent to the gateway, its delivery report. */
export const messageDetail = z.object({
  message: messageView,
  parts: z.array(
    z.object({
      partNo: z.number(),
      total: z.number(),
      gateway: z.string(),
      carrierMsgId: z.string(),
      status: z.string(),
      stat: z.string().nullable(),
      submittedAt: z.string(),
      doneAt: z.string().nullable(),
    }),
  ),
  report: z
    .object({
      status: z.string(),
      stat: z.string().nullable(),
      doneAt: z.string(),
      createdAt: z.string(),
      /** Whether the business system has fetched or been pushed it. */
      sequenced: z.boolean(),
    })
    .nullable(),
});
export type MessageDetail = z.infer<typeof messageDetail>;

/** POST /messages/:id/unmask (audited). */
export const unmaskAnswer = z.object({ mobile: z.string() });

/** POST /messages/exports (202) and GET /messages/exports/:id. */
export const exportStarted = z.object({ id: z.string(), total: z.number() });
export type ExportStarted = z.infer<typeof exportStarted>;
export const exportJob = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  written: z.number(),
  total: z.number(),
  fileName: z.string(),
});
export type ExportJob = z.infer<typeof exportJob>;
