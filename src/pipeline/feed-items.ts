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

/**
 * A reply as pulled and as pushed. `subExtCode` is what follows the account's own extension code —
 * the extCode the account sent with (a province platform routes the reply on by it,
 * docs/federation.md).
 */
export function replyItem(
  { textEnc, ...r }: ReplyFeedItem,
  accountExtCode: string,
  openText: ((token: string) => string) | undefined,
): Omit<ReplyFeedItem, 'textEnc' | 'receivedTime'> & { subExtCode: string; receivedTime: string } {
  return {
    ...r,
    subExtCode: r.extCode.startsWith(accountExtCode) ? r.extCode.slice(accountExtCode.length) : r.extCode,
    // The business system gets what the citizen sent; the table keeps it masked.
    text: textEnc !== null && openText ? openText(textEnc) : r.text,
    receivedTime: isoBeijing(r.receivedTime),
  };
}
