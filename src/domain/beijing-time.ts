/**
 * Beijing time (UTC+8, no daylight saving) regardless of the host's zone: carrier timestamps,
 * `sendTime` and report times are all Beijing wall-clock.
 */
const OFFSET_MS = 8 * 3600 * 1000;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function toBeijing(epochMs: number): WallClock {
  const d = new Date(epochMs + OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** Epoch ms of a Beijing wall-clock time, or null when the fields do not name a real instant. */
export function fromBeijing(w: WallClock): number | null {
  const ms = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - OFFSET_MS;
  const back = toBeijing(ms);
  const same =
    back.year === w.year &&
    back.month === w.month &&
    back.day === w.day &&
    back.hour === w.hour &&
    back.minute === w.minute &&
    back.second === w.second;
  return same ? ms : null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats with the tokens yyyy, yy, MM, dd, HH, mm, ss. */
export function formatBeijing(epochMs: number, pattern: string): string {
  const w = toBeijing(epochMs);
  return pattern.replace(/yyyy|yy|MM|dd|HH|mm|ss/g, (token) => {
    switch (token) {
      case 'yyyy':
        return pad(w.year, 4);
      case 'yy':
        return pad(w.year % 100);
      case 'MM':
        return pad(w.month);
      case 'dd':
        return pad(w.day);
      case 'HH':
        return pad(w.hour);
      case 'mm':
        return pad(w.minute);
      default:
        return pad(w.second);
    }
  });
}

/**
 * Parses a `yyMMddHHmm` or `yyMMddHHmmss` carrier time (report Submit_time / Done_time) as Beijing
 * time; null when malformed. Two-digit years are taken in 2000–2099.
 */
export function parseCarrierTime(text: string): number | null {
  if (!/^\d{10}(\d{2})?$/.test(text)) return null;
  const n = (i: number): number => Number(text.slice(i, i + 2));
  return fromBeijing({
    year: 2000 + n(0),
    month: n(2),
    day: n(4),
    hour: n(6),
    minute: n(8),
    second: text.length === 12 ? n(10) : 0,
  });
}

/** A report this long after the carrier's stated minute is late: its own minute is nearer the truth. */
const LATE_REPORT_MS = 2 * 60_000;

/**
 * When a report's message was done, to the second. A carrier time with seconds is taken as it is.
 * A minute-only time (CMPP and SMGP Done_time, most SMPP receipts) would sort before a submit made
 * later in that minute, so the report's arrival stands in for it while the two agree — the arrival
 * within that minute or shortly after; a report arriving later keeps the carrier's minute.
 */
export function reportDoneTime(text: string | undefined, arrival: number): number {
  const carrier = text === undefined ? null : parseCarrierTime(text);
  if (carrier === null) return arrival;
  if (text?.length === 12) return carrier;
  return arrival >= carrier && arrival - carrier < LATE_REPORT_MS ? arrival : carrier;
}
