/**
 * Opens the database named by `database.url` and brings its schema up to date. The few places
 * where SQLite and PostgreSQL differ are flags in `Capabilities`, read by the repositories.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, sql, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { AppError } from '../shared/errors.js';
import { keepPrivate, prepareSqliteFiles } from './file-modes.js';
import { MIGRATIONS, type MigrationDialect } from './migrations/index.js';
import { OwnSchemaPostgresDialect } from './pg-own-schema.js';
import { Checkpointer, DurableSqliteDialect, FALLBACK_CHECKPOINT_PAGES, WalSync } from './sqlite-durable.js';
import { withStatementCache } from './sqlite-statements.js';
import type { Database } from './schema.js';

export interface Capabilities {
  dialect: MigrationDialect;
  /** Claims use FOR UPDATE SKIP LOCKED so several platform processes can share the queue. */
  skipLocked: boolean;
  /** Bound parameters one statement may carry. */
  maxParameters: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  caps: Capabilities;
  url: string;
  /** Permission changes made while opening (file-modes.ts), for the caller to log as warnings. */
  notices: readonly string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  poolSize?: number;
  migrate?: boolean;
  /**
   * PostgreSQL session limits for a serving process (docs/multinode.md): a transaction left idle
   * longer than `idleInTransactionMs` (its process paused or stuck) is ended by the server, which
   * frees its row locks; a statement waits at most `lockTimeoutMs` for a lock.
   */
  sessionLimits?: { idleInTransactionMs: number; lockTimeoutMs: number };
  /** Shown in pg_stat_activity, so an operator can tell which process holds what. */
  applicationName?: string;
}

const INT8_OID = 20;
const int8AsNumber = new pg.TypeOverrides();
int8AsNumber.setTypeParser(INT8_OID, Number);

export function describeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]*)@/, '//$1:***@');
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const handle = url.startsWith('sqlite:')
    ? openSqlite(url, options)
    : /^postgres(ql)?:\/\//.test(url)
      ? openPostgres(url, options)
      : null;
  if (!handle)
    throw new AppError('ERR_STORE_URL', `${describeUrl(url)} (expected sqlite:PATH or postgres://…)`);
  try {
    await handle.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    if (options.migrate !== false) await migrate(handle);
  } catch (err) {
    await handle.close().catch(() => undefined);
    if (err instanceof AppError) throw err;
    throw new AppError('ERR_STORE_UNAVAILABLE', `${describeUrl(url)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return handle;
}

function openSqlite(url: string, options: OpenOptions): DatabaseHandle {
  const path = url.slice('sqlite:'.length);
  const memory = path === ':memory:' || path === '';
  const notices = memory ? [] : prepareSqliteFiles(path);
  let native: SqliteDatabase.Database;
  try {
    native = new SqliteDatabase(memory ? ':memory:' : path);
  } catch (err) {
    throw new AppError('ERR_STORE_UNAVAILABLE', `${url}: ${(err as Error).message}`, { cause: err });
  }
  native.pragma('journal_mode = WAL');
  // FULL's fsync runs off the event loop, after the commit (sqlite-durable.ts).
  const wal =
    !memory && (options.sqliteSynchronous ?? 'FULL') === 'FULL' ? new WalSync(`${path}-wal`, path) : null;
  native.pragma(`synchronous = ${wal ? 'NORMAL' : (options.sqliteSynchronous ?? 'FULL')}`);
  if (wal) native.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
  native.pragma('busy_timeout = 5000');
  native.pragma('foreign_keys = ON');
  // Deleted and overwritten cells are zeroed where that costs no extra I/O (docs/data-protection.md).
  native.pragma('secure_delete = FAST');
  if (!memory)
    for (const f of [`${path}-wal`, `${path}-shm`]) {
      const notice = keepPrivate(f, 0o600);
      if (notice) notices.push(notice);
    }
  const settings = { database: withStatementCache(native, 256, wal ? () => wal.committed() : undefined) };
  const db = new Kysely<Database>({
    dialect: wal
      ? new DurableSqliteDialect(settings, wal, new Checkpointer(path))
      : new SqliteDialect(settings),
  });
  return {
    db,
    url,
    caps: { dialect: 'sqlite', skipLocked: false, maxParameters: 32_000 },
    notices,
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, options: OpenOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.applicationName && { application_name: options.applicationName }),
    ...(options.sessionLimits && {
      idle_in_transaction_session_timeout: options.sessionLimits.idleInTransactionMs,
      lock_timeout: options.sessionLimits.lockTimeoutMs,
    }),
    // Ids and epoch-ms times are int8 but stay below 2^53: read them as numbers, on this pool only.
    types: int8AsNumber,
  });
  // An idle client dropped by the server must not take the process down; nor one in use, e.g. a
  // transaction the server ended after the idle limit (its next statement fails, the pool drops it).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
  return {
    db,
    url,
    caps: { dialect: 'postgres', skipLocked: true, maxParameters: 60_000 },
    notices: [],
    close: () => db.destroy(),
  };
}

/** Brings the schema up to date, or only up to migration `upTo` (a restore, store/restore.ts). */
export async function migrate(handle: DatabaseHandle, upTo?: string): Promise<string[]> {
  const provider: MigrationProvider = {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(
          MIGRATIONS.map((m): [string, Migration] => [m.name, { up: (db) => m.up(db, handle.caps.dialect) }]),
        ),
      ),
  };
  // Kysely's bookkeeping tables go in the schema the migrations create tables in (the one its
  // introspection reads, pg-own-schema.ts), never in another one the search_path names.
  const migrationTableSchema =
    handle.caps.dialect === 'postgres'
      ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(handle.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: handle.db,
    provider,
    // Migrations are numbered in ranges reserved per line of work, so a later number can land
    // before an earlier one; each is independent of the ones numbered near it.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema && { migrationTableSchema }),
  });
  const { error, results } = await (upTo === undefined
    ? migrator.migrateToLatest()
    : migrator.migrateTo(upTo));
  if (error) {
    throw new AppError('ERR_STORE_UNAVAILABLE', `migration failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  // Texts that migration masked were in clear in the WAL's older frames: checkpoint and empty it.
  if (handle.caps.dialect === 'sqlite' && applied.includes('0020-personal-data-at-rest'))
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(handle.db);
  return applied;
}
