/**
 * The interface's own checks and record (docs/design.md §4.2; standard §8.1 c, §8.2 e): how each
 * account proves itself beyond its password — its address whitelist, its client certificate, or
 * both — with the registered certificate's SHA-256 fingerprint, subject and expiry; and the
 * interface access log, one row per call, refusals and locks included.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .alterTable('apps')
    .addColumn('auth_mode', 'text', (c) => c.notNull().defaultTo('whitelist'))
    .execute();
  await db.schema.alterTable('apps').addColumn('cert_fingerprint', 'text').execute();
  await db.schema.alterTable('apps').addColumn('cert_subject', 'text').execute();
  await db.schema.alterTable('apps').addColumn('cert_not_after', big).execute();
  await db.schema
    .createTable('interface_access_log')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('app_name', 'text')
    .addColumn('source_ip', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('code', 'integer')
    .addColumn('numbers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('msg', 'text')
    .execute();
  await db.schema
    .createIndex('interface_access_log_at')
    .on('interface_access_log')
    .columns(['at', 'id'])
    .execute();
  await db.schema
    .createIndex('interface_access_log_app')
    .on('interface_access_log')
    .columns(['app_name', 'at'])
    .execute();
}
