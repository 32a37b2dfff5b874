/**
 * PostgreSQL's own consistent export: `pg_dump --data-only` on the snapshot of the caller's
 * REPEATABLE READ transaction (`--snapshot`), so the migration list read in that transaction and
 * the rows pg_dump writes are of the same moment. Its output is never written anywhere: it is read
 * from the pipe, its COPY blocks decoded (text format: tab-separated, `\N` for null, backslash
 * escapes) into the backup's rows, and passed on to be encrypted.
 *
 * The password is handed to pg_dump in PGPASSWORD, not on its command line, where `ps` would show it.
 * Returns null when the program is not found, so the caller reads the tables itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { AppError } from '../shared/errors.js';
import type { RowValue } from './backup-format.js';
import type { Snapshot, SnapshotTable } from './backup-snapshot.js';

const INTEGER_TYPES = new Set(['bigint', 'integer', 'smallint']);
const BATCH = 1000;

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `a, "position", "we""ird"` → names. */
export function parseIdentifiers(list: string): string[] {
  return [...list.matchAll(/"((?:[^"]|"")*)"|([^,\s]+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ''),
  );
}

/** `schema.table`, either part perhaps quoted → the table's name. */
export function tableOfQualified(name: string): string {
  const parts = [...name.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)];
  const last = parts.at(-1);
  return last === undefined ? '' : last[1] !== undefined ? last[1].replace(/""/g, '"') : (last[2] ?? '');
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** One field of COPY's text format. */
export function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}

function withoutPassword(url: string): { url: string; password: string | null } {
  const parsed = new URL(url);
  const password = parsed.password === '' ? null : decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), password };
}

async function started(child: ChildProcess): Promise<boolean> {
  try {
    await once(child, 'spawn');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function dumpWithPgDump(
  client: pg.Client,
  url: string,
  program: string,
  tables: readonly string[],
): Promise<Pick<Snapshot, 'tables' | 'close'> | null> {
  const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id;
  const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s;
  if (snapshot === undefined || schema === undefined)
    throw new AppError('ERR_BACKUP_FAILED', 'no snapshot or schema');
  const typeRows = await client.query<{ t: string; c: string; type: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns
     WHERE table_schema = current_schema()`,
  );
  const integer = new Set(typeRows.rows.filter((r) => INTEGER_TYPES.has(r.type)).map((r) => `${r.t}.${r.c}`));
  const target = withoutPassword(url);
  const child = spawn(
    program,
    [
      '--data-only',
      '--no-owner',
      '--no-privileges',
      '--encoding=UTF8',
      `--snapshot=${snapshot}`,
      ...tables.map((t) => `--table=${ident(schema)}.${ident(t)}`),
      '--dbname',
      target.url,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(target.password !== null && { PGPASSWORD: target.password }) },
    },
  );
  if (!(await started(child))) return null;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const input = createInterface({ input: child.stdout.setEncoding('utf8'), crlfDelay: Infinity })[
    Symbol.asyncIterator
  ]();
  const seen = new Set<string>();
  let finished = false;

  async function* rowsOf(table: string, columns: string[]): AsyncGenerator<RowValue[][]> {
    const isInteger = columns.map((c) => integer.has(`${table}.${c}`));
    let batch: RowValue[][] = [];
    for (;;) {
      const next = await input.next();
      if (next.done === true) throw new AppError('ERR_BACKUP_FAILED', `pg_dump stopped inside ${table}`);
      if (next.value === '\\.') break;
      batch.push(
        next.value.split('\t').map((raw, i) => {
          const value = copyField(raw);
          return value !== null && isInteger[i] === true ? Number(value) : value;
        }),
      );
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  return {
    async *tables(): AsyncGenerator<SnapshotTable> {
      for (;;) {
        const next = await input.next();
        if (next.done === true) break;
        const copy = /^COPY (.+?) \((.*)\) FROM stdin;$/.exec(next.value);
        if (!copy) continue;
        const table = tableOfQualified(copy[1] ?? '');
        const columns = parseIdentifiers(copy[2] ?? '');
        seen.add(table);
        yield { table, columns, batches: rowsOf(table, columns) };
      }
      finished = true;
    },
    async close() {
      // Given up half-way (encryption or the disk failed): pg_dump must not wait on a full pipe.
      if (!finished && child.exitCode === null) child.kill();
      const [code, signal] = await exited;
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
      if (code !== 0 && finished)
        throw new AppError(
          'ERR_BACKUP_FAILED',
          `pg_dump exited ${code ?? signal ?? '?'}: ${stderr.trim().slice(0, 500)}`,
        );
      const missing = tables.filter((t) => !seen.has(t));
      if (missing.length > 0)
        throw new AppError('ERR_BACKUP_FAILED', `pg_dump left out ${missing.join(', ')}`);
    },
  };
}
