/**
 * The Apps page's calls (routes/apps.ts, web/pages/apps/): business-system accounts, their fields,
 * status, balance and access password. Passwords and callback secrets are answered once, when made.
 */
import { z } from 'zod';

export const appStatus = z.enum(['active', 'frozen', 'disabled']);
export type AppStatus = z.infer<typeof appStatus>;

export const appView = z.object({
  id: z.number(),
  name: z.string(),
  status: appStatus,
  balance: z.number(),
  signature: z.string(),
  extCode: z.string(),
  ipWhitelist: z.array(z.string()),
  reportUrl: z.string().nullable(),
  replyUrl: z.string().nullable(),
  /** On the ministry platform: the province the account belongs to (docs/federation.md). */
  province: z.string().nullable(),
  /** What the interface checks beside the password, and the registered client certificate. */
  authMode: z.enum(['whitelist', 'certificate', 'both']),
  certSubject: z.string().nullable(),
  certNotAfter: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Messages since Beijing midnight. */
  todayMessages: z.number(),
});
export type AppView = z.infer<typeof appView>;

/** GET /apps */
export const appsAnswer = z.object({
  apps: z.array(appView),
  /** Extension codes starting with it are kept for surveys. */
  surveyExtPrefix: z.string(),
});
export type AppsAnswer = z.infer<typeof appsAnswer>;

/** The editable fields; the route checks them as `sms12333 app add` does. */
const fields = {
  signature: z.string().max(40).optional(),
  extCode: z.string().max(16).optional(),
  ipWhitelist: z.string().max(4000).optional(),
  reportUrl: z.string().max(500).optional(),
  replyUrl: z.string().max(500).optional(),
  province: z.string().max(20).optional(),
};

/** PUT /apps/:id */
export const appFields = z.object(fields).strict();
export type AppFieldsBody = z.infer<typeof appFields>;

/** POST /apps */
export const appCreate = z
  .object({
    name: z.string().max(64),
    balance: z.number().int().min(0).max(1_000_000_000).optional(),
    ...fields,
  })
  .strict();
export type AppCreate = z.infer<typeof appCreate>;

/** POST /apps and PUT /apps/:id: the account; a callback secret made now is shown this once. */
export const appSaved = z.object({
  app: appView,
  /** POST /apps: the access password, once. */
  password: z.string().optional(),
  callbackSecret: z.string().optional(),
});
export type AppSaved = z.infer<typeof appSaved>;

export const appIdParams = z.object({ id: z.coerce.number().int().min(0) }).strict();
export type AppIdParams = z.infer<typeof appIdParams>;

/** POST /apps/:id/status */
export const appStatusBody = z.object({ status: appStatus }).strict();
export type AppStatusBody = z.infer<typeof appStatusBody>;
export const appStatusAnswer = z.object({ app: appView });

/** POST /apps/:id/top-up */
export const topUpBody = z
  .object({ segments: z.number().int().min(1).max(100_000_000), note: z.string().max(200).optional() })
  .strict();
export type TopUpBody = z.infer<typeof topUpBody>;
export const topUpAnswer = z.object({ balance: z.number(), before: z.number() });
export type TopUpAnswer = z.infer<typeof topUpAnswer>;

/** POST /apps/:id/reset-password: the new access password, once. */
export const passwordAnswer = z.object({ password: z.string() });
export type PasswordAnswer = z.infer<typeof passwordAnswer>;
