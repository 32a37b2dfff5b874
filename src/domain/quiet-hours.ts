/**
 * Quiet hours (docs/design.md §5 Sending windows): a daily Beijing-time window, e.g. 21:00–08:00, during
 * which notices and surveys are not sent; one that falls inside is held until the window ends.
 * Beijing time has no daylight saving, so every day is 24 h and the window is plain arithmetic on
 * the epoch — whatever the host's zone.
 */
const OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const MINUTE_MS = 60 * 1000;

/** Minutes after Beijing midnight: `start` inclusive, `end` exclusive; start > end wraps midnight. */
export interface QuietWindow {
  startMinute: number;
  endMinute: number;
}

/** `HH:mm` (00:00–23:59) as minutes after midnight; null when malformed. */
export function parseClockTime(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The window of a `{ start, end }` setting; null (no quiet hours) when it is absent, malformed or
 * empty (start = end).
 */
export function quietWindow(setting: { start: string; end: string } | null | undefined): QuietWindow | null {
  if (!setting) return null;
  const startMinute = parseClockTime(setting.start);
  const endMinute = parseClockTime(setting.end);
  if (startMinute === null || endMinute === null || startMinute === endMinute) return null;
  return { startMinute, endMinute };
}

/** Milliseconds since Beijing midnight of the day `at` falls on. */
function msOfBeijingDay(at: number): number {
  return (((at + OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

export function isQuiet(at: number, window: QuietWindow | null): boolean {
  if (!window) return false;
  const t = msOfBeijingDay(at);
  const start = window.startMinute * MINUTE_MS;
  const end = window.endMinute * MINUTE_MS;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/**
 * When a message due at `at` may go: `at` itself outside the window, else the window's end (the
 * first `end` o'clock after `at`). The window's start belongs to it, its end does not.
 */
export function releaseTime(at: number, window: QuietWindow | null): number {
  if (!window || !isQuiet(at, window)) return at;
  const t = msOfBeijingDay(at);
  const end = window.endMinute * MINUTE_MS;
  return at - t + end + (t < end ? 0 : DAY_MS);
}
