/**
 * A consistent view of every table while the platform goes on writing (docs/deploy.md "Backups"):
 *
 * - SQLite: one read transaction on a connection of its own. In WAL mode a reader sees the database
 *   as it was at its first read until it ends, and writers are not held up. (SQLite's backup API
 *   would give the same snapshot, but only by writing a clear copy to a file: what this refuses.)
 * - PostgreSQL: `pg_dump` when configured and present (backup-pg-dump.ts), else one REPEATABLE READ,
 *   READ ONLY transaction reading each table through a cursor.
 *
 * Tables are found in the database, not listed here, so one added by a later migration is backed
 * up without a change; those in UNSAVED_TABLES are left out.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { AppError } from '../shared/errors.js';
import { isSavedTable, rowValue, type RowValue, type SnapshotMethod } from './backup-format.js';
import { dumpWithPgDump } from './backup-pg-dump.js';

const BATCH = 1000;

export interface SnapshotTable {
  table: string;
  columns: string[];
  /** Consume every batch before asking for the next table. */
  batches: AsyncIterable<RowValue[][]>;
}

export interface Snapshot {
  source: 'sqlite' | 'postgres';
  method: SnapshotMethod;
  schema: string[];
  tables(): AsyncGenerator<SnapshotTable>;
  close(): Promise<void>;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function openSnapshot(url: string, options: { pgDump: string }): Promise<Snapshot> {
  if (url.startsWith('sqlite:')) return sqliteSnapshot(url.slice('sqlite:'.length));
  const client = new pg.Client({ connectionString: url, types: int8AsNumber() });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const schema = await pgSchema(client);
    const tables = await pgTables(client);
    if (options.pgDump !== '') {
      const dumped = await dumpWithPgDump(client, url, options.pgDump, tables);
      if (dumped) return { source: 'postgres', method: 'pg_dump', schema, ...dumped };
    }
    return { source: 'postgres', method: 'repeatable-read', schema, ...cursorTables(client, tables) };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

function int8AsNumber(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, Number);
  return types;
}

function sqliteSnapshot(path: string): Snapshot {
  let db: SqliteDatabase.Database;
  try {
    db = new SqliteDatabase(path, { fileMustExist: true });
  } catch (err) {
    throw new AppError('ERR_STORE_UNAVAILABLE', `sqlite:${path}: ${(err as Error).message}`, { cause: err });
  }
  db.pragma('busy_timeout = 5000');
  // The snapshot starts at the first read after BEGIN and holds until COMMIT.
  db.exec('BEGIN');
  const schema = db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[];
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
  ).filter(isSavedTable);
  return {
    source: 'sqlite',
    method: 'sqlite-snapshot',
    schema,
    // Synchronous reads behind an async interface: the worker thread may block, the consumer awaits.
    // eslint-disable-next-line @typescript-eslint/require-await
    async *tables() {
      for (const table of tables) {
        const statement = db.prepare(`SELECT * FROM ${quote(table)}`).raw(true);
        const columns = statement.columns().map((c) => c.name);
        // eslint-disable-next-line @typescript-eslint/require-await
        async function* batches(): AsyncGenerator<RowValue[][]> {
          let batch: RowValue[][] = [];
          for (const row of statement.iterate() as Iterable<unknown[]>) {
            batch.push(row.map(rowValue));
            if (batch.length >= BATCH) {
              yield batch;
              batch = [];
            }
          }
          if (batch.length > 0) yield batch;
        }
        yield { table, columns, batches: batches() };
      }
    },
    close() {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
      return Promise.resolve();
    },
  };
}

async function pgSchema(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
  return result.rows.map((r) => r.name);
}

async function pgTables(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return result.rows.map((r) => r.name).filter(isSavedTable);
}

function cursorTables(client: pg.Client, tables: readonly string[]): Pick<Snapshot, 'tables' | 'close'> {
  return {
    async *tables() {
      for (const table of tables) {
        await client.query(`DECLARE backup_cursor NO SCROLL CURSOR FOR SELECT * FROM ${quote(table)}`);
        const first = await client.query({ text: `FETCH ${BATCH} FROM backup_cursor`, rowMode: 'array' });
        const columns = first.fields.map((f) => f.name);
        async function* batches(): AsyncGenerator<RowValue[][]> {
          let page = first;
          while (page.rows.length > 0) {
            yield (page.rows as unknown[][]).map((row) => row.map(rowValue));
            if (page.rows.length < BATCH) break;
            page = await client.query({ text: `FETCH ${BATCH} FROM backup_cursor`, rowMode: 'array' });
          }
          await client.query('CLOSE backup_cursor');
        }
        yield { table, columns, batches: batches() };
      }
    },
    async close() {
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
    },
  };
}
