/**
 * Gateways changed from the console while the platform runs (docs/console.md "Gateways"): a pause,
 * a new rate or window, a link switched off, or a whole link added. The configuration file stays
 * the base; these rows are applied over it at start and by every running instance.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('gateway_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer')
    .addColumn('tps', 'integer')
    .addColumn('window', 'integer')
    .addColumn('definition', 'text')
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
}
