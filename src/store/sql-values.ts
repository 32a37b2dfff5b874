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
import { sql, type RawBuilder, type Transaction } from 'kysely';
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
    const none = { clause: sql``, using: sql``, join: sql`` };
    for (const row of rows) {
      const result = await statement.build((n) => cast(row[n - 1], n), none).execute(tx);
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
