/** The Audit page's calls (routes/audit.ts, web/pages/audit/). */
import { z } from 'zod';

/** As audit/log.ts records them. */
const auditKind = z.enum(['access', 'operation', 'data']);
const auditResult = z.enum(['ok', 'denied', 'failed']);

/** The search's filters (GET /audit, GET /audit/export); times are Beijing `YYYY-MM-DD[ HH:mm[:ss]]`. */
export const auditFilter = z
  .object({
    from: z.string().max(32).optional(),
    to: z.string().max(32).optional(),
    kind: auditKind.optional(),
    actor: z.string().max(64).optional(),
    action: z.string().max(64).optional(),
    result: auditResult.optional(),
    /** `hide`: routine reads (successful API GETs) are left out. */
    routine: z.enum(['hide', 'show']).optional(),
  })
  .strict();
export type AuditFilterQuery = z.infer<typeof auditFilter>;

export const auditQuery = auditFilter
  .extend({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  kind: auditKind,
  actor: z.string(),
  role: z.string().nullable(),
  sourceIp: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  result: auditResult,
  /** The entry's detail as recorded (JSON). */
  detail: z.unknown(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditAnswer = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  entries: z.array(auditEntry),
});
export type AuditAnswer = z.infer<typeof auditAnswer>;

/** POST /audit/verify: the hash chain intact, or the first broken entry and why. */
export const auditVerdict = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    count: z.number(),
    firstSeq: z.number(),
    lastSeq: z.number(),
    lastHash: z.string(),
  }),
  z.object({
    ok: z.literal(false),
    seq: z.number(),
    problem: z.enum(['head', 'headless', 'missing', 'relinked', 'changed', 'truncated', 'beyond']),
    verified: z.number(),
  }),
]);
export type AuditVerdict = z.infer<typeof auditVerdict>;
