/**
 * Batched statements over a VALUES list, the same text on both dialects: a VALUES list without
 * column aliases names its columns column1, column2, … in SQLite and PostgreSQL alike. Every
 * value is cast so PostgreSQL knows its type.
 */
import { sql, type RawBuilder } from 'kysely';

export type SqlType = 'text' | 'bigint' | 'integer';

export function valuesList(
  rows: readonly (readonly unknown[])[],
  types: readonly SqlType[],
): RawBuilder<unknown> {
  const castRow = (row: readonly unknown[]) =>
    sql`(${sql.join(
      row.map((v, i) => sql`CAST(${v} AS ${sql.raw(types[i] ?? 'text')})`),
      sql`, `,
    )})`;
  return sql`(VALUES ${sql.join(rows.map(castRow), sql`, `)})`;
}

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
