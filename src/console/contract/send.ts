/** The Send page's calls (routes/send.ts, web/pages/send/). Preview and submit take the same body. */
import { z } from 'zod';

/** GET /send/apps: the accounts an operator may send under, with the signature the texts go under. */
export const sendableApp = z.object({
  id: z.number(),
  name: z.string(),
  signature: z.string(),
  balance: z.number(),
  extCode: z.string(),
});
export type SendableApp = z.infer<typeof sendableApp>;
export const sendAppsAnswer = z.object({ apps: z.array(sendableApp) });
export type SendAppsAnswer = z.infer<typeof sendAppsAnswer>;

/** GET /send/templates?appId=: the approved templates the account may use. */
export const sendTemplatesQuery = z.object({ appId: z.coerce.number().int().min(0) }).strict();
export type SendTemplatesQuery = z.infer<typeof sendTemplatesQuery>;
export const usableTemplate = z.object({
  id: z.number(),
  name: z.string(),
  content: z.string(),
  appId: z.number().nullable(),
});
export type UsableTemplate = z.infer<typeof usableTemplate>;
export const sendTemplatesAnswer = z.object({ templates: z.array(usableTemplate) });
export type SendTemplatesAnswer = z.infer<typeof sendTemplatesAnswer>;

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,40}$/);

/** POST /send/preview and POST /send. */
export const sendBody = z
  .object({
    appId: z.number().int().min(0),
    /** Pasted numbers: commas, spaces or new lines between them. */
    mobiles: z.string().max(2_000_000).optional(),
    /** A batch file, base64 inside the JSON. */
    file: z
      .object({ name: z.string().max(255), data: z.string().max(16_000_000) })
      .strict()
      .optional(),
    templateId: z.number().int().min(1).optional(),
    content: z.string().max(5000).optional(),
    /** Values for every recipient; a file's columns override them row by row. */
    params: z.record(z.string(), z.string().max(1000)).optional(),
    islong: z.boolean().optional(),
    /** Beijing time, `yyyy-MM-dd HH:mm:ss` or ISO 8601; absent or null: now. */
    sendTime: z.string().max(40).nullable().optional(),
    /** Submit only: the page's key for this send, so a repeated click sends nothing twice. */
    idempotencyKey: idempotencyKey.optional(),
  })
  .strict();
export type SendBody = z.infer<typeof sendBody>;

const rowProblem = z.object({
  line: z.number(),
  value: z.string(),
  code: z.enum(['invalid-mobile', 'missing-variable', 'too-long', 'unreadable']),
  reason: z.string(),
  reasonEn: z.string(),
});

/** POST /send/preview: what the send would do; writes nothing. */
export const sendPreview = z.object({
  app: z.object({ id: z.number(), name: z.string(), signature: z.string(), extCode: z.string() }),
  recipients: z.object({
    valid: z.number(),
    invalid: z.number(),
    duplicates: z.number(),
    noRoute: z.number(),
  }),
  /** The first lines that will not be sent; `recipients` counts them all. */
  problems: z.array(rowProblem),
  duplicates: z.array(z.object({ line: z.number(), mobile: z.string(), firstLine: z.number() })),
  message: z.object({
    units: z.number(),
    segments: z.number(),
    coding: z.string(),
    limit: z.number(),
    fits: z.boolean(),
  }),
  perMessage: z.object({
    minUnits: z.number(),
    maxUnits: z.number(),
    minSegments: z.number(),
    maxSegments: z.number(),
  }),
  variables: z.array(z.string()),
  columns: z.array(z.string()),
  distinctTexts: z.number(),
  samples: z.array(
    z.object({ mobile: z.string(), text: z.string(), units: z.number(), segments: z.number() }),
  ),
  cost: z.number(),
  balanceBefore: z.number(),
  balanceAfter: z.number(),
  insufficient: z.boolean(),
  review: z.object({ required: z.boolean(), threshold: z.number() }),
  /** Listed sensitive words in the texts: `block` ones are not sent, `review` ones wait for a reviewer. */
  words: z.object({ block: z.array(z.string()), review: z.array(z.string()) }),
  sendAt: z.string().nullable(),
});
export type SendPreviewData = z.infer<typeof sendPreview>;

/** A send is one task, however many texts and batches it made. */
export const sendTaskView = z.object({
  id: z.number(),
  fileName: z.string().nullable(),
  recipients: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type SendTaskView = z.infer<typeof sendTaskView>;

/** Counts by message status of a send's batches. */
const progress = {
  total: z.number(),
  byStatus: z.record(z.string(), z.number()),
  /** Every message is in a final status. */
  final: z.boolean(),
  batchIds: z.array(z.string()),
  batchCount: z.number(),
};

/** POST /send: what admission answered. A repeated key (`replayed`) answers the first send's progress. */
export const sendOutcome = z.object({
  task: sendTaskView.nullable(),
  key: z.string(),
  appId: z.number(),
  replayed: z.boolean(),
  accepted: z.number(),
  blocked: z.number(),
  failed: z.number().optional(),
  invalid: z.number().optional(),
  duplicates: z.number().optional(),
  notSent: z.number().optional(),
  /** Messages stored HELD: waiting for a reviewer (a big batch, or a sensitive word). */
  held: z.number().optional(),
  /** Blocking sensitive words that kept texts from being sent. */
  refusedWords: z.array(z.string()).optional(),
  charged: z.number().optional(),
  /** Why a reviewer must decide: the number of recipients, or review words in the text. */
  review: z
    .object({
      required: z.boolean(),
      kind: z.enum(['batch-size', 'sensitive-words']).nullable(),
      reviewId: z.number().nullable(),
    })
    .optional(),
  batchIds: z.array(z.string()),
  batchCount: z.number(),
  notBefore: z.string().nullable().optional(),
  heldByQuietHours: z.boolean().optional(),
  // A replay carries the progress beside its counts.
  total: progress.total.optional(),
  byStatus: progress.byStatus.optional(),
  final: progress.final.optional(),
});
export type SendOutcome = z.infer<typeof sendOutcome>;

/** GET /send/status?appId=&key=: what the page polls after a send. */
export const sendStatusQuery = z
  .object({ appId: z.coerce.number().int().min(0), key: idempotencyKey })
  .strict();
export type SendStatusQuery = z.infer<typeof sendStatusQuery>;
export const sendStatus = z.object({ task: sendTaskView.nullable(), ...progress });
export type SendStatus = z.infer<typeof sendStatus>;
