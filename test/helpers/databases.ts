/**
 * Every store test runs on SQLite and on PostgreSQL. Each run gets a fresh database: a temporary
 * SQLite file, or a fresh schema on the PostgreSQL server (127.0.0.1:5432 here and on CI; override
 * with SMS12333_TEST_PG_URL). PostgreSQL being down fails the tests; it is never skipped.
 */
import { openDatabase, type DatabaseHandle } from '../../src/store/connect.js';
import { createScratchDatabase } from '../../src/store/scratch.js';

export const PG_URL = process.env.SMS12333_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  url: string;
  /** Removes the schema or file. */
  drop(): Promise<void>;
}

export function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  return createScratchDatabase(dialect, PG_URL);
}

/** A migrated database handle plus its cleanup. */
export async function openTestStore(
  dialect: DialectName,
): Promise<DatabaseHandle & { drop(): Promise<void> }> {
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
