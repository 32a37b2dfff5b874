/**
 * The dashboard for `stats.read`: today's volume by status and by hour, the last 30 days
 * by day, delivery rate by carrier and by gateway, the queue, the gateways' live state and the
 * uplink volume. Days and hours are Beijing time. The page polls every few seconds, so counts are
 * cached briefly: today's for a few seconds, the 29 finished days for a minute. The answer:
 * contract/stats.ts.
 */
import { responseSchema } from '../contract/schema.js';
import { dashboardAnswer, type DashboardAnswer } from '../contract/stats.js';
import { lastBackups } from '../../store/backup-log.js';
import { formatBeijing } from '../../domain/beijing-time.js';
import { beijingDayStart } from '../../domain/sending-limits.js';
import { PENDING_STATUSES } from '../../domain/status.js';
import {
  messageVolume,
  provinceVolume,
  statusDepth,
  uplinkVolume,
  type VolumeCell,
} from '../../store/console-stats.js';
import type { ConsoleRoutes } from '../context.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const DAYS = 30;
const TODAY_TTL_MS = 3000;
const PAST_TTL_MS = 60_000;
/** Messages waiting for review are held before they join the queue (batch review). */
const QUEUE_STATUSES: readonly string[] = PENDING_STATUSES;
/** Sent and finished: the denominator of the delivery rate (BLOCKED was never sent). */
const FAILED_STATUSES = new Set(['FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN']);

interface Tally {
  total: number;
  delivered: number;
  failed: number;
  blocked: number;
  pending: number;
}

function emptyTally(): Tally {
  return { total: 0, delivered: 0, failed: 0, blocked: 0, pending: 0 };
}

function add(t: Tally, status: string, n: number): void {
  t.total += n;
  if (status === 'DELIVERED') t.delivered += n;
  else if (FAILED_STATUSES.has(status)) t.failed += n;
  else if (status === 'BLOCKED') t.blocked += n;
  else t.pending += n;
}

/** Delivered / finished (delivered + failed), or null before anything finished. */
function rate(t: Tally): number | null {
  const finished = t.delivered + t.failed;
  return finished === 0 ? null : t.delivered / finished;
}

function tallyBy(cells: readonly VolumeCell[], key: (c: VolumeCell) => string | null): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const c of cells) {
    const k = key(c);
    if (k === null) continue;
    let t = out.get(k);
    if (!t) out.set(k, (t = emptyTally()));
    add(t, c.status, c.n);
  }
  return out;
}

/** A value computed at most once per `ttlMs` per key; concurrent callers share one computation. */
function cache() {
  const entries = new Map<string, { until: number; value: Promise<unknown> }>();
  return <T>(key: string, ttlMs: number, now: number, compute: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    const value = compute();
    entries.set(key, { until: now + ttlMs, value });
    // A failed read is not kept: the next poll tries again.
    value.catch(() => entries.delete(key));
    for (const [k, e] of entries) if (e.until <= now) entries.delete(k);
    return value;
  };
}

export const statsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const cached = cache();

  app.get(
    '/console/api/stats/dashboard',
    {
      preHandler: ctx.allow('stats.read'),
      config: { quietAudit: true },
      schema: { response: responseSchema(dashboardAnswer) },
    },
    async (): Promise<DashboardAnswer> => {
      const now = ctx.now();
      const today = beijingDayStart(now);
      const first = today - (DAYS - 1) * DAY_MS;
      const [pastCells, todayCells, queue, pastUplinks, todayUplinks, provinceCells] = await Promise.all([
        cached(`past:${today}`, PAST_TTL_MS, now, () => messageVolume(db, first, today, DAY_MS)),
        cached(`today:${today}`, TODAY_TTL_MS, now, () => messageVolume(db, today, today + DAY_MS, HOUR_MS)),
        cached('queue', TODAY_TTL_MS, now, () => statusDepth(db, QUEUE_STATUSES)),
        cached(`uplinks:${today}`, PAST_TTL_MS, now, () => uplinkVolume(db, first, today, DAY_MS)),
        cached(`uplinks-today:${today}`, TODAY_TTL_MS, now, () =>
          uplinkVolume(db, today, today + DAY_MS, DAY_MS),
        ),
        cached(`provinces:${today}`, TODAY_TTL_MS, now, () => provinceVolume(db, first, today + DAY_MS)),
      ]);
      // A cached "today" read just before midnight may hold yesterday's cells: keep only its own day.
      const todayOnly = todayCells.filter((c) => c.bucket >= 0 && c.bucket < 24);

      const todayTally = emptyTally();
      const byStatus: Record<string, number> = {};
      const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, ...emptyTally() }));
      for (const c of todayOnly) {
        add(todayTally, c.status, c.n);
        byStatus[c.status] = (byStatus[c.status] ?? 0) + c.n;
        const h = hourly[c.bucket];
        if (h) add(h, c.status, c.n);
      }

      const daily = Array.from({ length: DAYS }, (_, i) => ({
        day: formatBeijing(first + i * DAY_MS, 'yyyy-MM-dd'),
        ...emptyTally(),
        uplinks: 0,
      }));
      for (const c of pastCells) {
        const d = daily[c.bucket];
        if (d) add(d, c.status, c.n);
      }
      const last = daily[DAYS - 1];
      if (last) for (const c of todayOnly) add(last, c.status, c.n);
      for (const u of pastUplinks) {
        const d = daily[u.bucket];
        if (d) d.uplinks += u.n;
      }
      const uplinksToday = todayUplinks.reduce((sum, u) => sum + u.n, 0);
      if (last) last.uplinks = uplinksToday;

      const window = [...pastCells, ...todayOnly];
      const rates = (m: Map<string, Tally>) =>
        [...m].map(([key, t]) => ({
          key,
          delivered: t.delivered,
          failed: t.failed,
          pending: t.pending,
          total: t.total,
          rate: rate(t),
        }));
      const todayByGateway = tallyBy(todayOnly, (c) => c.gatewayId);

      const gateways = ctx.services().router.gateways.map((g) => {
        const s = g.status();
        const t = todayByGateway.get(s.id) ?? emptyTally();
        return {
          id: s.id,
          protocol: s.protocol,
          carriers: g.config.carriers,
          state: s.state,
          bound: s.bound,
          connections: g.config.connections,
          inFlight: s.inFlight,
          queued: s.queued,
          window: s.window,
          windowTotal: s.window * Math.max(s.bound, 1),
          tps: s.tps,
          counters: s.counters,
          lastError: s.lastError,
          today: { total: t.total, delivered: t.delivered, failed: t.failed, rate: rate(t) },
        };
      });

      return {
        at: new Date(now).toISOString(),
        day: formatBeijing(today, 'yyyy-MM-dd'),
        today: { ...todayTally, rate: rate(todayTally), byStatus, uplinks: uplinksToday },
        hourly,
        daily,
        // Over the 30 days shown.
        byCarrier: rates(tallyBy(window, (c) => c.carrier)),
        byGateway: rates(tallyBy(window, (c) => c.gatewayId)),
        queue,
        gateways,
        // Per province account over the 30 days shown (the ministry platform, docs/federation.md).
        byProvince: rates(
          tallyBy(
            // The province in the carrier slot: tallyBy groups by one text key.
            provinceCells.map((c) => ({
              bucket: 0,
              status: c.status,
              carrier: c.province,
              gatewayId: null,
              n: c.n,
            })),
            (c) => c.carrier,
          ),
        ),
        phoneData: ctx.services().phoneData?.describe() ?? null,
        backup: await lastBackups(db).then(({ latest, lastOk }) => ({
          latest: latest && { status: latest.status, startedAt: new Date(latest.startedAt).toISOString() },
          lastOk: lastOk && {
            startedAt: new Date(lastOk.startedAt).toISOString(),
            bytes: lastOk.bytes,
            trigger: lastOk.trigger,
          },
        })),
      };
    },
  );
};
