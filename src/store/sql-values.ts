/**
 * One statement applied to many rows, written once and run the fast way for each dialect:
 * - PostgreSQL: a single statement joined to a VALUES list (one round trip for the whole batch).
 *   A VALUES list without column aliases names its columns column1, column2, …; every value is
 *   cast so PostgreSQL knows its type.
 * - SQLite: the same statement once per row with the row's values bound (no network to save, the
 *   statement stays prepared, and SQLite's UPDATE … FROM materialises the join several times slower).
 *
 * The statement is a function of `col(n)` (the n-th value of the row, 1-based) and `from` (the
 * VALUES source as an UPDATE's FROM clause, a DELETE's USING clause or an extra FROM item; empty
 * per row).
 */
import { CompiledQuery, sql, type Insertable, type RawBuilder, type Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import type { Database } from './schema.js';

export type SqlType = 'text' | 'bigint' | 'integer';

type Column = (n: number) => RawBuilder<unknown>;

export interface RowStatement<R> {
  types: readonly SqlType[];
  build(
    col: Column,
    from: { clause: RawBuilder<unknown>; using: RawBuilder<unknown>; join: RawBuilder<unknown> },
  ): RawBuilder<R>;
}

const VALUES_CHUNK = 500;

export async function eachRow<R>(
  tx: Transaction<Database>,
  caps: Capabilities,
  rows: readonly (readonly unknown[])[],
  statement: RowStatement<R>,
): Promise<R[]> {
  const out: R[] = [];
  if (rows.length === 0) return out;
  const cast = (value: unknown, n: number) =>
    sql`CAST(${value} AS ${sql.raw(statement.types[n - 1] ?? 'text')})`;
  if (caps.dialect === 'sqlite') {
    // Built and compiled once with a marker for each column, then run per row with the row's
    // values in the markers' places: a hot path (submit results, reports) builds nothing per row.
    const markers = Array.from({ length: rows[0]?.length ?? 0 }, (_, i) => ({ column: i }));
    const none = { clause: sql``, using: sql``, join: sql`` };
    const template = statement.build((n) => cast(markers[n - 1], n), none).compile(tx);
    const slots = template.parameters.map((p) => markers.indexOf(p as { column: number }));
    for (const row of rows) {
      const parameters = template.parameters.map((p, i) => {
        const slot = slots[i] ?? -1;
        return slot >= 0 ? row[slot] : p;
      });
      const result = await tx.executeQuery<R>(CompiledQuery.raw(template.sql, parameters));
      out.push(...result.rows);
    }
    return out;
  }
  const col: Column = (n) => sql.raw(`v.column${n}`);
  for (const chunk of chunked(rows, VALUES_CHUNK)) {
    const values = sql`(VALUES ${sql.join(
      chunk.map(
        (row) =>
          sql`(${sql.join(
            row.map((v, i) => cast(v, i + 1)),
            sql`, `,
          )})`,
      ),
      sql`, `,
    )}) AS v`;
    const result = await statement
      .build(col, { clause: sql`FROM ${values}`, using: sql`USING ${values}`, join: sql`, ${values}` })
      .execute(tx);
    out.push(...result.rows);
  }
  return out;
}

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const insertTexts = new Map<string, string>();

/**
 * Inserts rows of one shape (the keys of the first) in statements of up to `perStatement` rows,
 * written as text once per shape and count: Kysely's `values()` parses and compiles every value of
 * every row, which on admission's hot path cost more than the insert itself.
 */
export async function insertRows<T extends keyof Database>(
  tx: Transaction<Database>,
  caps: Capabilities,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  perStatement = 1000,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const size = Math.max(1, Math.min(perStatement, Math.floor(caps.maxParameters / columns.length)));
  for (const chunk of chunked(rows, size)) {
    const key = `${caps.dialect}|${table}|${chunk.length}|${columns.join(',')}`;
    let text = insertTexts.get(key);
    if (text === undefined) {
      let n = 0;
      const mark = caps.dialect === 'postgres' ? () => `$${++n}` : () => '?';
      const tuple = () => `(${columns.map(mark).join(', ')})`;
      text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from(chunk, tuple).join(', ')}`;
      if (insertTexts.size > 1000) insertTexts.clear();
      insertTexts.set(key, text);
    }
    const parameters: unknown[] = [];
    for (const row of chunk) {
      const values = row as Record<string, unknown>;
      for (const c of columns) parameters.push(values[c] ?? null);
    }
    await tx.executeQuery(CompiledQuery.raw(text, parameters));
  }
}
