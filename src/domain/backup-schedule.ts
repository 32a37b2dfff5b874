/**
 * When `serve` takes its daily backup (`backup.schedule`, Beijing time `HH:mm`): at the latest
 * scheduled moment not yet covered. A platform that was down at that moment takes it when it
 * starts; one restarted after it took it does not take it again.
 */
import { parseClockTime } from './quiet-hours.js';

const DAY_MS = 86_400_000;
/** Beijing keeps UTC+8 all year. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The latest moment at or before `now` that the schedule names; null for a malformed schedule. */
export function latestScheduledMoment(schedule: string, now: number): number | null {
  const minute = parseClockTime(schedule);
  if (minute === null) return null;
  const offset = BEIJING_OFFSET_MS - minute * 60_000;
  return Math.floor((now + offset) / DAY_MS) * DAY_MS - offset;
}

/** Whether a scheduled backup is due, given when the schedule last started one (null: never). */
export function scheduledBackupDue(schedule: string, lastStart: number | null, now: number): boolean {
  const moment = latestScheduledMoment(schedule, now);
  return moment !== null && (lastStart === null || lastStart < moment);
}
