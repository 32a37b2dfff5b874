/**
 * better-sqlite3 prepares a statement on every call Kysely makes; the same few statements run
 * thousands of times a second on the hot paths, so prepared statements are kept (least recently
 * used first out). Kysely's SQLite driver runs one query at a time, so a statement is never in
 * use twice at once.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(native: SqliteDatabase.Database, capacity = 256): KyselySqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
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
      const statement = native.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}
