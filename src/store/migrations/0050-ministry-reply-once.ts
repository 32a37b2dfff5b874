/**
 * A citizen's reply that came through the ministry's reply feed is stored once (docs/federation.md
 * §4 "Reports and replies"): a province killed between storing a page and saving its cursor reads
 * that page again, and the ministry's reply id (`carrier_msg_id` `reply-<id>`, per link) already
 * stored is then skipped. Copies a replayed page left before this migration are removed first.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DELETE FROM uplink_messages
    WHERE carrier_msg_id LIKE 'reply-%'
      AND EXISTS (
        SELECT 1 FROM uplink_messages first
        WHERE first.gateway_id = uplink_messages.gateway_id
          AND first.carrier_msg_id = uplink_messages.carrier_msg_id
          AND first.id < uplink_messages.id
      )`.execute(db);
  await sql`
    CREATE UNIQUE INDEX uplink_messages_ministry_reply
    ON uplink_messages (gateway_id, carrier_msg_id)
    WHERE carrier_msg_id LIKE 'reply-%'`.execute(db);
}
