/**
 * The items of the business systems' feeds as they leave the platform — the same whether pulled
 * (`/api/sms/reports`, `/api/sms/replies`) or pushed (docs/callbacks.md): times in Beijing time
 * with the offset, a reply's whole text opened from its seal.
 */
import { formatBeijing } from '../domain/beijing-time.js';
import type { ReplyFeedItem, ReportFeedItem } from '../store/feeds.js';

export function isoBeijing(ms: number): string {
  return `${formatBeijing(ms, 'yyyy-MM-ddTHH:mm:ss')}+08:00`;
}

export function reportItem(r: ReportFeedItem): Omit<ReportFeedItem, 'doneTime'> & { doneTime: string } {
  return { ...r, doneTime: isoBeijing(r.doneTime) };
}

export function replyItem(
  { textEnc, ...r }: ReplyFeedItem,
  openText: ((token: string) => string) | undefined,
): Omit<ReplyFeedItem, 'textEnc' | 'receivedTime'> & { receivedTime: string } {
  return {
    ...r,
    // The business system gets what the citizen sent; the table keeps it masked.
    text: textEnc !== null && openText ? openText(textEnc) : r.text,
    receivedTime: isoBeijing(r.receivedTime),
  };
}
