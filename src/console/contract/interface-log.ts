/** The interface access log's calls for the auditor (routes/interface-log.ts, web/pages/interface-log/). */
import { z } from 'zod';

/** The search's filters, also the CSV export's. Times are Beijing time `YYYY-MM-DD[ HH:mm[:ss]]`. */
export const interfaceLogFilter = z
  .object({
    from: z.string().max(32).optional(),
    to: z.string().max(32).optional(),
    appName: z.string().max(64).optional(),
    ip: z.string().max(64).optional(),
    /** A path such as `/api/sms/send`; ending in `*`, every path starting so. */
    path: z.string().max(200).optional(),
    /** The answer's code (Appendix A: -1 a parameter missing). */
    code: z.number().int().min(-1).max(99).optional(),
    /** Only calls not answered 1. */
    refused: z.boolean().optional(),
  })
  .strict();
export type InterfaceLogFilter = z.infer<typeof interfaceLogFilter>;

export const interfaceLogQuery = interfaceLogFilter
  .extend({
    page: z.number().int().min(1).max(100_000).optional(),
    pageSize: z.number().int().min(1).max(200).optional(),
  })
  .strict();
export type InterfaceLogQuery = z.infer<typeof interfaceLogQuery>;

export const interfaceLogEntry = z.object({
  id: z.string(),
  /** ISO 8601. */
  at: z.string(),
  appName: z.string().nullable(),
  sourceIp: z.string(),
  path: z.string(),
  code: z.number().nullable(),
  numbers: z.number(),
  durationMs: z.number(),
  msg: z.string().nullable(),
});
export type InterfaceLogEntry = z.infer<typeof interfaceLogEntry>;

export const interfaceLogAnswer = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  entries: z.array(interfaceLogEntry),
});
export type InterfaceLogAnswer = z.infer<typeof interfaceLogAnswer>;
