/**
 * Every store test runs on SQLite and on PostgreSQL. Each run gets a fresh database: a temporary
 * SQLite file, or a fresh schema on the PostgreSQL server (127.0.0.1:5432 here and on CI; override
 * with SMS12333_TEST_PG_URL). PostgreSQL being down fails the tests; it is never skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/store/connect.js';

export const PG_URL = process.env.SMS12333_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  url: string;
  /** Removes the schema or file. */
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sms12333-'));
    return {
      url: `sqlite:${join(dir, 'test.db')}`,
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sep = PG_URL.includes('?') ? '&' : '?';
  return {
    url: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A migrated database handle plus its cleanup. */
export async function openTestStore(dialect: DialectName): Promise<DatabaseHandle & { drop(): Promise<void> }> {
  const target = await createTestDatabase(dialect);
  const handle = await openDatabase(target.url, { sqliteSynchronous: 'NORMAL' });
  return {
    ...handle,
    drop: async () => {
      await handle.close();
      await target.drop();
    },
  };
}
