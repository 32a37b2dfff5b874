/** The Messages page's filters: from a deep link (`#/messages?batchId=…`) and as the API reads them. */
import type { Dayjs } from 'dayjs';

export interface Filters {
  mobile?: string | undefined;
  batchId?: number | null | undefined;
  taskId?: number | null | undefined;
  msgId?: number | null | undefined;
  app?: string | undefined;
  status?: string | undefined;
  carrier?: string | undefined;
  range?: [Dayjs | null, Dayjs | null] | null | undefined;
}

const DEEP_LINK_KEYS = ['batchId', 'taskId', 'msgId', 'mobile', 'status', 'app', 'carrier'] as const;

/** The filters in the query part of the hash (`#/messages?batchId=12`). */
export function filtersFromHash(): Filters {
  const q = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const out: Filters = {};
  for (const key of DEEP_LINK_KEYS) {
    const v = q.get(key);
    if (v === null || v === '') continue;
    if (key === 'batchId' || key === 'taskId' || key === 'msgId') {
      const n = Number(v);
      if (Number.isSafeInteger(n) && n > 0) out[key] = n;
    } else out[key] = v;
  }
  return out;
}

/** The filters as the API reads them. */
export function apiFilters(f: Filters): Record<string, string | number | undefined> {
  return {
    mobile: f.mobile?.trim() || undefined,
    batchId: f.batchId ?? undefined,
    taskId: f.taskId ?? undefined,
    msgId: f.msgId ?? undefined,
    app: f.app,
    status: f.status,
    carrier: f.carrier,
    from: f.range?.[0]?.toISOString(),
    to: f.range?.[1]?.toISOString(),
  };
}
