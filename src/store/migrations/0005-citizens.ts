/**
 * Citizens served by SMS: bindings of social security numbers to phones, password-failure
 * counters, the record of every command, card-loss and other tickets, editable reply texts, and on
 * the uplink table what the command engine needs (handled or not; the password-carrying original,
 * encrypted, until it is handled).
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  // SSNs are kept encrypted (ssn_enc) and found by a keyed hash (ssn_hash): docs/design.md §5.
  await db.schema
    .createTable('citizen_bindings')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('ssn_hash', 'text', (c) => c.notNull().unique())
    .addColumn('ssn_enc', 'text', (c) => c.notNull())
    .addColumn('name_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('citizen_bindings_mobile').on('citizen_bindings').column('mobile').execute();

  await db.schema
    .createTable('password_failures')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', big, (c) => c.notNull())
    .addColumn('locked_until', big)
    .addPrimaryKeyConstraint('password_failures_pk', ['scope', 'subject'])
    .execute();

  await db.schema
    .createTable('citizen_requests')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('uplink_id', big, (c) => c.notNull().unique())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('text_masked', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reply_key', 'text')
    .addColumn('reply_message_id', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('citizen_requests_mobile')
    .on('citizen_requests')
    .columns(['mobile', 'created_at'])
    .execute();

  await db.schema
    .createTable('service_tickets')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('request_no', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('ssn_hash', 'text')
    .addColumn('ssn_enc', 'text')
    .addColumn('name_enc', 'text')
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('assignee', 'text')
    .addColumn('result', 'text')
    .addColumn('result_text', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('completed_at', big)
    .execute();
  await db.schema
    .createIndex('service_tickets_status')
    .on('service_tickets')
    .columns(['status', 'created_at'])
    .execute();

  await db.schema
    .createTable('reply_templates')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('uplink_messages').addColumn('secret_enc', 'text').execute();
  await db.schema.alterTable('uplink_messages').addColumn('handled_at', big).execute();
  // A command being answered by one process is not taken by another until this passes.
  await db.schema.alterTable('uplink_messages').addColumn('claimed_until', big).execute();
  // Uplinks received before the command engine existed are history, not commands to run now.
  await sql`UPDATE uplink_messages SET handled_at = received_at`.execute(db);
  await sql`CREATE INDEX uplink_messages_unhandled ON uplink_messages (id) WHERE handled_at IS NULL`.execute(
    db,
  );

  // The platform's own account: replies, results and verification codes go out under it, uncharged.
  // Id 0 is below anything the id allocator hands out; its password hash verifies nothing.
  const now = Date.now();
  await db
    .insertInto('apps')
    .values({
      id: 0,
      name: '12333服务',
      password_hash: '!',
      ip_whitelist: '',
      balance: 0,
      signature: '',
      ext_code: '',
      status: 'disabled',
      created_at: now,
      updated_at: now,
    })
    .execute();
}
