/** The Dashboard page's call (routes/stats.ts, web/pages/dashboard/). Days and hours are Beijing time. */
import { z } from 'zod';
import { gatewayLive } from './gateways.js';

/** Messages counted by outcome: `failed` is FAILED, EXPIRED, REJECTED and UNKNOWN; `pending` not final yet. */
const tally = z.object({
  total: z.number(),
  delivered: z.number(),
  failed: z.number(),
  blocked: z.number(),
  pending: z.number(),
});
export type Tally = z.infer<typeof tally>;

/** Delivered / finished (delivered + failed), null before anything finished. */
const rate = z.number().nullable();

/** One carrier's, gateway's or province account's messages over the 30 days shown. */
export const rateRow = z.object({
  key: z.string(),
  delivered: z.number(),
  failed: z.number(),
  pending: z.number(),
  total: z.number(),
  rate,
});
export type RateRow = z.infer<typeof rateRow>;

export const dashboardGateway = z.object({
  id: z.string(),
  protocol: z.string(),
  carriers: z.array(z.string()).readonly(),
  state: z.string(),
  bound: z.number(),
  connections: z.number(),
  inFlight: z.number(),
  queued: z.number(),
  window: z.number(),
  /** The window of every bound connection together. */
  windowTotal: z.number(),
  tps: z.number(),
  counters: gatewayLive.shape.counters,
  lastError: z.string().nullable(),
  today: z.object({ total: z.number(), delivered: z.number(), failed: z.number(), rate }),
});
export type DashboardGateway = z.infer<typeof dashboardGateway>;

const count = z.record(z.string(), z.number());

/** GET /stats/dashboard */
export const dashboardAnswer = z.object({
  at: z.string(),
  day: z.string(),
  today: tally.extend({ rate, byStatus: count, uplinks: z.number() }),
  hourly: z.array(tally.extend({ hour: z.number() })),
  daily: z.array(tally.extend({ day: z.string(), uplinks: z.number() })),
  byCarrier: z.array(rateRow),
  byGateway: z.array(rateRow),
  /** Messages not final yet, by status (HELD, QUEUED, SENDING, SUBMITTED). */
  queue: count,
  gateways: z.array(dashboardGateway),
  /** Per province account (the ministry platform, docs/federation.md); empty elsewhere. */
  byProvince: z.array(rateRow),
  /** The segment data in use, when the platform routes by home province. */
  phoneData: z
    .object({
      file: z.string(),
      format: z.string(),
      date: z.string(),
      entries: z.number(),
      blocks: z.array(z.string()),
      lastError: z.string().nullable(),
    })
    .nullable(),
  /** docs/deploy.md "Backups": the latest attempt and the latest that succeeded. */
  backup: z.object({
    latest: z.object({ status: z.enum(['running', 'ok', 'failed']), startedAt: z.string() }).nullable(),
    lastOk: z.object({ startedAt: z.string(), bytes: z.number().nullable(), trigger: z.string() }).nullable(),
  }),
});
export type DashboardAnswer = z.infer<typeof dashboardAnswer>;
