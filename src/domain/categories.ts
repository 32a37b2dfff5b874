/**
 * What a downlink message is for. Notices and surveys respect the citizen's TD/QXFW and quiet
 * hours; replies, results and verification codes always go (docs/design.md §5 Sending windows, §4.3).
 */
export const CATEGORIES = ['notice', 'result', 'survey', 'reply', 'otp'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Categories a business system may name in `POST /api/sms/send`. */
export const SENDABLE_CATEGORIES: readonly Category[] = ['notice', 'result', 'survey'];

export function honoursUnsubscribe(category: Category): boolean {
  return category === 'notice' || category === 'survey';
}

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
