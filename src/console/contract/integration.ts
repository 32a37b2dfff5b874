/**
 * The Integration page's calls (routes/integration.ts, web/pages/integration/): per business-system
 * account its push callbacks (docs/callbacks.md) and its client certificate with the expiry warning.
 */
import { z } from 'zod';

const time = z.string().nullable();

export const callbackKind = z.enum(['report', 'reply']);

export const callbackFeedView = z.object({
  kind: callbackKind,
  url: z.string().nullable(),
  /** Items after the receiver's cursor, counted up to 10,000. */
  pending: z.number(),
  /** Attempts of the batch now failing (0: none failing) and when it is tried next. */
  attempts: z.number(),
  nextAt: time,
  failingSince: time,
  lastError: z.string().nullable(),
  lastOkAt: time,
  delivered: z.number(),
  /** Batches given up after `callbacks.retryHours`, and their items. */
  failedBatches: z.number(),
  failedItems: z.number(),
  /** Of those, waiting to be sent again on an operator's request. */
  retryRequested: z.number(),
});
export type CallbackFeedView = z.infer<typeof callbackFeedView>;

export const certificateView = z.object({
  subject: z.string().nullable(),
  notAfter: z.string(),
  daysLeft: z.number(),
  state: z.enum(['valid', 'expiring', 'expired']),
});
export type CertificateView = z.infer<typeof certificateView>;

export const integrationAccount = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(['active', 'frozen', 'disabled']),
  authMode: z.enum(['whitelist', 'certificate', 'both']),
  certificate: certificateView.nullable(),
  hasSecret: z.boolean(),
  feeds: z.array(callbackFeedView),
});
export type IntegrationAccount = z.infer<typeof integrationAccount>;

export const integrationAnswer = z.object({
  at: z.string(),
  /** Certificates ending within this many days are flagged. */
  certWarnDays: z.number(),
  accounts: z.array(integrationAccount),
});
export type IntegrationAnswer = z.infer<typeof integrationAnswer>;

/** POST /apps/:id/callbacks/retry — one feed, or both when `kind` is left out. */
export const callbackRetry = z.object({ kind: callbackKind.optional() }).strict();
export type CallbackRetry = z.infer<typeof callbackRetry>;

export const callbackRetryAnswer = z.object({ hurried: z.number(), requeued: z.number() });
export type CallbackRetryAnswer = z.infer<typeof callbackRetryAnswer>;

export const appIdParams = z.object({ id: z.number().int().min(0) }).strict();
