/**
 * better-sqlite3 prepares a statement on every call Kysely makes; the same few statements run
 * thousands of times a second on the hot paths, so prepared statements are kept (least recently
 * used first out). Kysely's SQLite driver runs one query at a time, so a statement is never in
 * use twice at once.
 *
 * `committed`, when given, hears of every statement that ended a write outside a transaction (a
 * COMMIT, an autocommit write): store/sqlite-durable.ts syncs the WAL after those.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Transaction control reads as read-only to SQLite, yet COMMIT (or the outermost RELEASE) writes. */
const ENDS_TRANSACTION = /^\s*(commit|end|release)\b/i;

export function withStatementCache(
  native: SqliteDatabase.Database,
  capacity = 256,
  committed?: () => void,
): KyselySqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  const track = (sql: string, statement: SqliteDatabase.Statement): SqliteStatement => {
    if (!committed || (statement.readonly && !ENDS_TRANSACTION.test(sql))) return statement;
    const after = <T>(value: T): T => {
      if (!native.inTransaction) committed();
      return value;
    };
    return {
      reader: statement.reader,
      all: (parameters) => after(statement.all(parameters)),
      run: (parameters) => after(statement.run(parameters)),
      iterate: (parameters) => statement.iterate(parameters),
    };
  };
  return {
    close: () => {
      cache.clear();
      native.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        // Re-insert to mark it most recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = track(sql, native.prepare(sql));
      cache.set(sql, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}
