/**
 * The `sms12333_part_copies` gauge of /metrics sums the parts written again (docs/multinode.md)
 * on every scrape. Only those rows go into this partial index, so the scrape reads them alone and
 * not every uncertain write ever recorded (docs/performance.md).
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await sql`CREATE INDEX part_writes_copies ON part_writes (copy_reason, copies) WHERE copies > 0`.execute(
    db,
  );
}
