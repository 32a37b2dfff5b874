/**
 * Federation's own rows (docs/federation.md): where a province's ministry link has read the
 * ministry's report and reply feeds to. A cursor moves only after what it covers was stored, so a
 * crash replays at most one page (reports are idempotent; see the doc on replies).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type FeedName = 'reports' | 'replies';

export async function loadFeedCursor(
  db: Kysely<Database>,
  gatewayId: string,
  feed: FeedName,
): Promise<string> {
  const row = await db
    .selectFrom('federation_cursors')
    .select('cursor')
    .where('gateway_id', '=', gatewayId)
    .where('feed', '=', feed)
    .executeTakeFirst();
  return row?.cursor ?? '0';
}

export async function saveFeedCursor(
  db: Kysely<Database>,
  gatewayId: string,
  feed: FeedName,
  cursor: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('federation_cursors')
    .values({ gateway_id: gatewayId, feed, cursor, updated_at: now })
    .onConflict((oc) => oc.columns(['gateway_id', 'feed']).doUpdateSet({ cursor, updated_at: now }))
    .execute();
}
