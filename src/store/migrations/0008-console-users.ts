/**
 * Console users and their sessions (standard §8.1 a, b). A session row is
 * keyed by the SHA-256 of the cookie token, so the table alone cannot be replayed as cookies. The
 * TOTP secret is sealed with the personal-data cipher. Failed logins count inside a window that
 * starts at the first failure; `locked_until` holds the end of a lockout.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  await db.schema
    .createTable('console_users')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    /** Comma-separated roles (domain/console-roles.ts). */
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull())
    .addColumn('password_changed_at', big, (c) => c.notNull())
    .addColumn('totp_secret_enc', 'text')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_window_start', big)
    .addColumn('locked_until', big)
    .addColumn('last_login_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('console_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', big, (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_seen_at', big, (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_user').on('console_sessions').column('user_id').execute();
}
