/**
 * Throw-away databases for the benchmark and the tests: a temporary SQLite file, or a fresh schema
 * on a PostgreSQL server (selected through the connection's search_path), dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(
  dialect: 'sqlite' | 'postgres',
  pgUrl: string,
  prefix = 't',
): Promise<ScratchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `sms12333-${prefix}-`));
    return {
      url: `sqlite:${join(dir, 'sms12333.db')}`,
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const sep = pgUrl.includes('?') ? '&' : '?';
  return {
    url: `${pgUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => dropSchema(run, schema),
  };
}

/**
 * A connection of the schema's last user may still be closing when the drop comes, and PostgreSQL
 * then reports a deadlock (40P01) instead of waiting: the drop is tried again.
 */
async function dropSchema(run: (statement: string) => Promise<void>, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
