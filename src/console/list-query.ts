/**
 * What the console's searches read from a query string the same way (messages, uplinks): a time
 * bound in any form `Date.parse` takes, and the keyset cursor `after` (`<time>.<id>` of the last row
 * of the previous page).
 */
import { consoleError } from './errors.js';

export function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw consoleError('INVALID', `${field} 不是有效时间`, { field });
  return ms;
}

/** `after` as its time and id; null: the first page. */
export function parseCursor(value: string | undefined): { at: number; id: number } | null {
  if (value === undefined || value === '') return null;
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(value);
  if (!match) throw consoleError('INVALID', 'after 格式错误', { field: 'after' });
  return { at: Number(match[1]), id: Number(match[2]) };
}
