/**
 * The backup's contents before encryption (docs/deploy.md "Backups"): UTF-8 lines of JSON, read and
 * written as a stream so no clear copy ever lies on disk —
 *
 *   {"format":"sms12333-backup","version":1, createdAt, source, method, schema, dataKey, keyId}
 *   {"table":"apps","columns":["id","name",…]}          then one JSON array per row, then
 *   {"end":"apps","rows":N,"checksum":"…"}              for every table, and last
 *   {"manifest":{"tables":{"apps":{"rows":N,"checksum":"…"},…},"rows":total}}
 *
 * Rows are plain JSON values (integers, text, null), so a backup of SQLite restores into PostgreSQL
 * and the other way round. A table's checksum is the sum modulo 2^256 of the SHA-256 of each row in
 * canonical form (its columns by name), so it does not depend on the order rows are read in or on
 * the order of a table's columns — the restored table is read back and must give the same sum.
 * The manifest comes last: a file cut short has none, and is refused.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors.js';

export const BACKUP_FORMAT = 'sms12333-backup';
export const BACKUP_VERSION = 1;

/**
 * Not backed up: which processes are alive (instances) and who is logged in (console sessions) —
 * neither is true of the restored platform. The migrator's own tables are rebuilt by migrating.
 */
export const UNSAVED_TABLES: readonly string[] = ['instances', 'console_sessions'];

export function isSavedTable(name: string): boolean {
  return !UNSAVED_TABLES.includes(name) && !name.startsWith('kysely_') && !name.startsWith('sqlite_');
}

export type SnapshotMethod = 'sqlite-snapshot' | 'pg_dump' | 'repeatable-read';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: number;
  source: 'sqlite' | 'postgres';
  method: SnapshotMethod;
  /** The migrations the database had run, in order. */
  schema: string[];
  /** The personal-data master key, base64: sealed SSNs and the audit chain need it. */
  dataKey: string;
  keyId: string;
}

export interface TableSummary {
  rows: number;
  checksum: string;
}

export interface BackupManifest {
  tables: Record<string, TableSummary>;
  rows: number;
}

export type RowValue = string | number | null;

const MODULUS = 1n << 256n;

/** The order-independent sum of row hashes for one table (see the file comment). */
export class TableChecksum {
  private sum = 0n;
  rows = 0;
  private readonly order: number[];
  private readonly names: string[];

  constructor(columns: readonly string[]) {
    const name = (i: number): string => columns[i] ?? '';
    // Code-unit order, the same in every process (no locale).
    this.order = columns
      .map((_, i) => i)
      .sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
    this.names = this.order.map(name);
  }

  add(row: readonly RowValue[]): void {
    const canonical = JSON.stringify(this.order.map((i, k) => [this.names[k], row[i] ?? null]));
    const digest = createHash('sha256').update(canonical, 'utf8').digest('hex');
    this.sum = (this.sum + BigInt(`0x${digest}`)) % MODULUS;
    this.rows += 1;
  }

  get checksum(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}

/** A value as the format stores it: integers that fit, text, null (bigint/Buffer never occur). */
export function rowValue(value: unknown): RowValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new AppError('ERR_BACKUP_FAILED', `unexpected column value of type ${typeof value}`);
}

/** One line of the format, parsed and checked for its shape. */
export type BackupLine =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'row'; values: RowValue[] }
  | { kind: 'end'; table: string; rows: number; checksum: string }
  | { kind: 'manifest'; manifest: BackupManifest };

const corrupt = (detail: string): AppError => new AppError('ERR_BACKUP_CORRUPT', detail);

export function parseLine(text: string, lineNo: number): BackupLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(`line ${lineNo}: not JSON`);
  }
  if (Array.isArray(value)) {
    if (!value.every((v) => v === null || typeof v === 'string' || typeof v === 'number'))
      throw corrupt(`line ${lineNo}: a row holds something other than text, numbers and null`);
    return { kind: 'row', values: value as RowValue[] };
  }
  if (typeof value !== 'object' || value === null) throw corrupt(`line ${lineNo}: not a record`);
  const o = value as Record<string, unknown>;
  if (o.format !== undefined) {
    if (o.format !== BACKUP_FORMAT) throw corrupt('not an sms12333 backup');
    if (typeof o.version !== 'number' || o.version > BACKUP_VERSION)
      throw new AppError('ERR_BACKUP_VERSION', `format version ${String(o.version)}`);
    if (!Array.isArray(o.schema) || typeof o.dataKey !== 'string')
      throw corrupt(`line ${lineNo}: header without schema or key`);
    return { kind: 'header', header: o as unknown as BackupHeader };
  }
  if (
    typeof o.table === 'string' &&
    Array.isArray(o.columns) &&
    o.columns.every((c) => typeof c === 'string')
  )
    return { kind: 'table', table: o.table, columns: o.columns };
  if (typeof o.end === 'string' && typeof o.rows === 'number' && typeof o.checksum === 'string')
    return { kind: 'end', table: o.end, rows: o.rows, checksum: o.checksum };
  if (typeof o.manifest === 'object' && o.manifest !== null) {
    const m = o.manifest as BackupManifest;
    if (typeof m.tables !== 'object' || typeof m.rows !== 'number') throw corrupt('malformed manifest');
    return { kind: 'manifest', manifest: m };
  }
  throw corrupt(`line ${lineNo}: unknown record`);
}

/** Splits a stream of UTF-8 bytes into lines (the format never has a line break inside a line). */
export async function* lines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = rest + decoder.decode(chunk, { stream: true });
    } catch (err) {
      throw new AppError('ERR_BACKUP_CORRUPT', 'not UTF-8', { cause: err });
    }
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * Walks the lines of a backup, checking its structure, every table's row count and checksum and
 * the manifest at the end; `onTable`/`onRows` see the data as it passes (restore inserts it there).
 * Throws ERR_BACKUP_CORRUPT at the first thing wrong, including a missing manifest (a cut file).
 */
export async function readBackup(
  source: AsyncIterable<string>,
  sink: {
    onHeader?(header: BackupHeader): Promise<void> | void;
    onTable?(table: string, columns: string[]): Promise<void> | void;
    onRows?(table: string, columns: string[], rows: RowValue[][]): Promise<void>;
  } = {},
): Promise<{ header: BackupHeader; manifest: BackupManifest }> {
  let header: BackupHeader | null = null;
  let manifest: BackupManifest | null = null;
  let current: { table: string; columns: string[]; sum: TableChecksum; pending: RowValue[][] } | null = null;
  const seen: Record<string, TableSummary> = {};
  let lineNo = 0;
  const flush = async (): Promise<void> => {
    if (current && current.pending.length > 0) {
      await sink.onRows?.(current.table, current.columns, current.pending);
      current.pending = [];
    }
  };
  for await (const text of source) {
    lineNo += 1;
    if (manifest) throw corrupt(`line ${lineNo}: data after the manifest`);
    const line = parseLine(text, lineNo);
    if (!header) {
      if (line.kind !== 'header') throw corrupt('not an sms12333 backup (no header)');
      header = line.header;
      await sink.onHeader?.(header);
      continue;
    }
    switch (line.kind) {
      case 'header':
        throw corrupt(`line ${lineNo}: a second header`);
      case 'table':
        if (current) throw corrupt(`line ${lineNo}: table ${line.table} inside ${current.table}`);
        if (seen[line.table]) throw corrupt(`line ${lineNo}: table ${line.table} twice`);
        current = {
          table: line.table,
          columns: line.columns,
          sum: new TableChecksum(line.columns),
          pending: [],
        };
        await sink.onTable?.(line.table, line.columns);
        break;
      case 'row':
        if (!current) throw corrupt(`line ${lineNo}: a row outside a table`);
        if (line.values.length !== current.columns.length)
          throw corrupt(`line ${lineNo}: ${line.values.length} values for ${current.columns.length} columns`);
        current.sum.add(line.values);
        current.pending.push(line.values);
        if (current.pending.length >= 500) await flush();
        break;
      case 'end':
        if (current?.table !== line.table) throw corrupt(`line ${lineNo}: end of a table not begun`);
        await flush();
        if (current.sum.rows !== line.rows || current.sum.checksum !== line.checksum)
          throw corrupt(`table ${line.table}: rows or checksum do not match what was written`);
        seen[line.table] = { rows: line.rows, checksum: line.checksum };
        current = null;
        break;
      case 'manifest': {
        if (current) throw corrupt(`line ${lineNo}: manifest inside table ${current.table}`);
        const listed = Object.keys(line.manifest.tables).sort();
        const found = Object.keys(seen).sort();
        const total = Object.values(seen).reduce((n, t) => n + t.rows, 0);
        if (
          listed.join(',') !== found.join(',') ||
          total !== line.manifest.rows ||
          found.some(
            (t) =>
              line.manifest.tables[t]?.rows !== seen[t]?.rows ||
              line.manifest.tables[t]?.checksum !== seen[t]?.checksum,
          )
        )
          throw corrupt('the manifest does not match the tables');
        manifest = line.manifest;
        break;
      }
    }
  }
  if (!header) throw corrupt('empty');
  if (!manifest) throw corrupt('cut short: no manifest at the end');
  return { header, manifest };
}
