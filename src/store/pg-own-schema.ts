/**
 * One PostgreSQL server may hold several databases of ours side by side, each a schema chosen by
 * the connection's search_path (deployments sharing a server; every test file's scratch schema,
 * store/scratch.ts). Nothing a process does at the server level may depend on the other schemas:
 *
 * - Kysely's introspection (what its migrator checks its bookkeeping tables with) reads the columns
 *   of every schema and calls pg_get_serial_sequence on each by name. That call looks names up in the
 *   live catalog, not the statement's snapshot, so a schema another process drops meanwhile fails our
 *   migration with "schema … does not exist", "relation … does not exist" or "column … of relation …
 *   does not exist" — with another schema's table named in it. Ours reads only the connection's own
 *   schema, from catalog rows alone.
 * - Advisory lock keys are server-wide: a key of ours is paired with the schema's hash, so two
 *   databases never wait on each other's migration, feed sequencer or tally fold.
 */
import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  type DialectAdapter,
  type Kysely,
  type RawBuilder,
  type TableMetadata,
} from 'kysely';

/** Advisory lock keys (the first half of the pair; the schema's hash is the second). */
export const LOCK_KEYS = { migrate: 1_233_300, feedSequencer: 1_233_301, tallyFold: 1_233_370 } as const;

const pair = (key: number) => sql`${sql.lit(key)}, hashtext(current_schema())`;

/** Waits for this schema's lock `key` until the transaction ends. */
export const advisoryXactLock = (key: number): RawBuilder<unknown> =>
  sql`SELECT pg_advisory_xact_lock(${pair(key)})`;

/** Takes this schema's lock `key` until the transaction ends, if no one holds it. */
export const tryAdvisoryXactLock = (key: number): RawBuilder<{ ok: boolean }> =>
  sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${pair(key)}) AS ok`;

interface ColumnRow {
  schema: string;
  table: string;
  kind: string;
  column: string;
  not_null: boolean;
  has_default: boolean;
  type: string;
  type_schema: string;
  comment: string | null;
  auto_incrementing: boolean;
}

class OwnSchemaIntrospector extends PostgresIntrospector {
  // The introspector serves every database type, so it takes an untyped Kysely as Kysely's does.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(private readonly db: Kysely<any>) {
    super(db);
  }

  /** Kysely's result for the tables of current_schema() only. */
  override async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const internal = options.withInternalKyselyTables
      ? sql``
      : sql`AND c.relname NOT IN (${DEFAULT_MIGRATION_TABLE}, ${DEFAULT_MIGRATION_LOCK_TABLE})`;
    // A serial or identity column owns its sequence through pg_depend ('a' or 'i'): the same answer
    // as pg_get_serial_sequence, without its lookups by name.
    const rows = await sql<ColumnRow>`
      SELECT ns.nspname AS schema, c.relname AS table, c.relkind AS kind, a.attname AS column, a.attnotnull AS not_null,
        a.atthasdef AS has_default, t.typname AS type, tns.nspname AS type_schema, d.description AS comment,
        EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend dep
          JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
          WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refclassid = 'pg_catalog.pg_class'::regclass
            AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i')
        ) AS auto_incrementing
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      JOIN pg_catalog.pg_namespace tns ON tns.oid = t.typnamespace
      LEFT JOIN pg_catalog.pg_description d
        ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
      WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped ${internal}
      ORDER BY c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const r of rows.rows) {
      let table = tables.get(r.table);
      if (!table) {
        table = { name: r.table, schema: r.schema, isView: r.kind === 'v', columns: [] };
        tables.set(r.table, table);
      }
      table.columns.push({
        name: r.column,
        dataType: r.type,
        dataTypeSchema: r.type_schema,
        isAutoIncrementing: r.auto_incrementing,
        isNullable: !r.not_null,
        hasDefaultValue: r.has_default,
        ...(r.comment !== null && { comment: r.comment }),
      });
    }
    return [...tables.values()];
  }
}

/** Kysely's migration lock, taken on this schema's key instead of one key for the whole server. */
class OwnSchemaAdapter extends PostgresAdapter {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter's signature
  override async acquireMigrationLock(db: Kysely<any>): Promise<void> {
    // As Kysely does: a serving pool's short lock_timeout must not fail a wait for another
    // process's migration, so this one statement may wait an hour.
    await sql`
      WITH set_timeout AS (SELECT set_config('lock_timeout', '3600000', true) AS v)
      SELECT pg_advisory_lock(${pair(LOCK_KEYS.migrate)}) FROM set_timeout`.execute(db);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter's signature
  override async releaseMigrationLock(db: Kysely<any>): Promise<void> {
    await sql`SELECT pg_advisory_unlock(${pair(LOCK_KEYS.migrate)})`.execute(db);
  }
}

export class OwnSchemaPostgresDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new OwnSchemaAdapter();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the dialect's signature
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}
