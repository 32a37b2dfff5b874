/**
 * Verification codes (docs/design.md §4.3): each code issued, kept as a keyed hash, with the sealed text the
 * dispatcher needs until the code is spent; and one counter row per number for the daily cap.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  await db.schema
    .createTable('otp_codes')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('scene', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('text_enc', 'text')
    .addColumn('batch_id', big, (c) => c.notNull())
    .addColumn('message_id', big, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('ended_at', big)
    .execute();
  // The newest code of an (app, number, scene): verify, cool-down and supersede look it up.
  await db.schema
    .createIndex('otp_codes_subject')
    .on('otp_codes')
    .columns(['app_id', 'mobile', 'scene', 'id'])
    .execute();
  await db.schema.createIndex('otp_codes_batch').on('otp_codes').column('batch_id').execute();
  // Only rows still holding a sealed text are swept when they expire.
  await db.schema
    .createIndex('otp_codes_sealed')
    .on('otp_codes')
    .column('expires_at')
    .where(sql.ref('text_enc'), 'is not', null)
    .execute();

  await db.schema
    .createTable('otp_limits')
    .addColumn('mobile', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .execute();
}
