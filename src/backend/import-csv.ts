/**
 * `sms12333 backend import`: persons.csv (docs/design.md §4.1) into the embedded backend's table.
 *
 * The file is UTF-8 (a byte-order mark is dropped), RFC 4180 (src/domain/csv.ts), with a header row
 * naming at least `ssn,name,servicePassword,insurances,pensionBalance,pensionAsOf` (in any order);
 * further columns are kept, encrypted, as the person's `extra` fields. Per row:
 *
 * - `ssn`: 18 characters with a valid ISO 7064 MOD 11-2 check character (`x` taken as `X`); once
 *   per file;
 * - `name`: 1–64 characters;
 * - `servicePassword`: the service password, stored as argon2id; empty keeps an existing person's
 *   password (one the citizen set by MMCZ survives a re-import) and is an error for a new person;
 * - `insurances`: `险种:状态` pairs joined by `;` (full-width `：` `；` accepted), may be empty;
 * - `pensionBalance`: yuan with at most two decimals, turned into fen exactly (no floating point);
 *   empty with an empty `pensionAsOf` = no pension account; `pensionAsOf`: `YYYY-MM`.
 *
 * A first pass checks every row and lists every bad one with its line number and reason (never the
 * SSN or the password). If any row is bad nothing is written, unless `skipInvalid`: then the good
 * rows are. The second pass hashes, encrypts and writes in transactions of `batchSize` rows, so a
 * crash part-way leaves whole batches, and running the import again finishes it (re-importing a
 * person updates them).
 */
import { csvLine, readCsv } from '../domain/csv.js';
import { AppError } from '../shared/errors.js';
import { hashPassword } from '../security/passwords.js';
import { canonicalSsn, type PersonalDataCipher } from '../security/personal-data.js';
import {
  existingBackendPersons,
  writeBackendPersons,
  type BackendPersonWrite,
} from '../store/backend-persons.js';
import type { DatabaseHandle } from '../store/connect.js';
import { assertDataKeyMatches } from './embedded.js';
import { formatYuan, type Insurance } from './types.js';

export const PERSON_COLUMNS = [
  'ssn',
  'name',
  'servicePassword',
  'insurances',
  'pensionBalance',
  'pensionAsOf',
] as const;

export interface PersonInput {
  ssn: string;
  name: string;
  /** null: keep the stored one. */
  servicePassword: string | null;
  insurances: Insurance[];
  pensionBalanceCents: number | null;
  pensionAsOf: string | null;
  extra: Record<string, string>;
}

export interface RowProblem {
  line: number;
  reason: string;
}

export interface ImportProgress {
  phase: 'check' | 'write';
  /** Rows handled so far in this phase. */
  done: number;
  /** Rows of the file (in 'write': the rows being written). */
  total: number;
}

export interface ImportOptions {
  skipInvalid?: boolean;
  /** Called every `progressEvery` rows of each phase, and once at its end. */
  onProgress?: (progress: ImportProgress) => void;
  progressEvery?: number;
  batchSize?: number;
  now?: number;
}

export interface ImportSummary {
  /** Data rows in the file. */
  rows: number;
  invalid: RowProblem[];
  /** False when bad rows stopped the import (nothing written). */
  imported: boolean;
  created: number;
  updated: number;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/**
 * GB 11643 / ISO 7064 MOD 11-2 check of an 18-character number. Local until src/domain/ssn.ts
 * (validateSsn) lands; then this should use it.
 */
export function ssnProblem(ssn: string): string | null {
  if (!/^\d{17}[\dX]$/.test(ssn)) return '应为 18 位，末位可为 X (18 characters, the last may be X)';
  let sum = 0;
  for (let k = 0; k < 17; k += 1) sum += Number(ssn[k]) * (WEIGHTS[k] ?? 0);
  return CHECK_CHARS[sum % 11] === ssn[17] ? null : '校验位错误 (wrong check character)';
}

/** "1234.5" → 123450 fen, exactly; null for text that is not yuan with at most two decimals. */
export function yuanToCents(text: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  return Number(`${m[1] ?? '0'}${(m[2] ?? '').padEnd(2, '0')}`);
}

export function parseInsurances(text: string): Insurance[] | string {
  const out: Insurance[] = [];
  for (const piece of text.split(/[;；]/)) {
    if (piece.trim() === '') continue;
    const colon = piece.search(/[:：]/);
    const type = colon === -1 ? '' : piece.slice(0, colon).trim();
    const status = colon === -1 ? '' : piece.slice(colon + 1).trim();
    if (type === '' || status === '' || /[:：]/.test(status))
      return `“${piece.trim()}”应为 险种:状态 (type:status)`;
    if (type.length > 64 || status.length > 64) return '险种或状态过长 (type or status too long)';
    if (out.some((i) => i.type === type)) return `险种重复 (type twice): ${type}`;
    out.push({ type, status });
  }
  return out;
}

interface Columns {
  index: Record<(typeof PERSON_COLUMNS)[number], number>;
  extra: { name: string; index: number }[];
  count: number;
}

function readHeader(fields: string[]): Columns {
  const names = fields.map((f) => f.trim());
  const missing = PERSON_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new AppError('ERR_INPUT_INVALID', `第 1 行 line 1: 表头缺少 header lacks ${missing.join(', ')}`);
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '')
      throw new AppError('ERR_INPUT_INVALID', '第 1 行 line 1: 表头有空列名 (empty column name)');
    if (seen.has(name))
      throw new AppError('ERR_INPUT_INVALID', `第 1 行 line 1: 列名重复 (column twice): ${name}`);
    seen.add(name);
  }
  const index = Object.fromEntries(PERSON_COLUMNS.map((c) => [c, names.indexOf(c)])) as Columns['index'];
  const known = new Set<string>(PERSON_COLUMNS);
  return {
    index,
    extra: names.flatMap((name, i) => (known.has(name) ? [] : [{ name, index: i }])),
    count: names.length,
  };
}

function parseRow(columns: Columns, fields: string[]): PersonInput | string {
  if (fields.length !== columns.count)
    return `应有 ${columns.count} 列，实有 ${fields.length} 列 (expected ${columns.count} fields, got ${fields.length})`;
  const get = (c: (typeof PERSON_COLUMNS)[number]): string => fields[columns.index[c]] ?? '';
  const ssn = canonicalSsn(get('ssn'));
  const bad = ssnProblem(ssn);
  if (bad) return `ssn: ${bad}`;
  const name = get('name').trim();
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (name === '' || name.length > 64 || /[\u0000-\u001f\u007f]/.test(name))
    return 'name: 应为 1–64 个字符 (1–64 characters, no control characters)';
  const password = get('servicePassword');
  if (password.length > 64) return 'servicePassword: 过长 (longer than 64)';
  const insurances = parseInsurances(get('insurances'));
  if (typeof insurances === 'string') return `insurances: ${insurances}`;
  const balanceText = get('pensionBalance').trim();
  const asOf = get('pensionAsOf').trim();
  let cents: number | null = null;
  if (balanceText !== '') {
    cents = yuanToCents(balanceText);
    if (cents === null)
      return 'pensionBalance: 应为元，至多两位小数 (yuan, at most two decimals, e.g. 12345.67)';
  }
  if (asOf !== '' && !/^(19[5-9]\d|20\d\d)-(0[1-9]|1[0-2])$/.test(asOf))
    return 'pensionAsOf: 应为 YYYY-MM (e.g. 2024-05)';
  if ((cents === null) !== (asOf === ''))
    return 'pensionBalance 与 pensionAsOf 须同时填写或同时为空 (both or neither)';
  return {
    ssn,
    name,
    servicePassword: password === '' ? null : password,
    insurances,
    pensionBalanceCents: cents,
    pensionAsOf: asOf === '' ? null : asOf,
    extra: Object.fromEntries(columns.extra.map((e) => [e.name, fields[e.index] ?? ''])),
  };
}

/** The row as stored: SSN, name and extra fields encrypted, the password hashed. */
export async function encodePerson(
  cipher: PersonalDataCipher,
  person: PersonInput,
  now: number,
): Promise<BackendPersonWrite> {
  return {
    ssnHash: cipher.lookupHash(person.ssn),
    ssnEnc: cipher.encrypt(person.ssn),
    nameEnc: cipher.encrypt(person.name),
    passwordHash: person.servicePassword === null ? null : await hashPassword(person.servicePassword),
    insurances: person.insurances,
    pensionBalanceCents: person.pensionBalanceCents,
    pensionAsOf: person.pensionAsOf,
    extraEnc: cipher.encrypt(JSON.stringify(person.extra)),
    updatedAt: now,
  };
}

type Row = { line: number; person: PersonInput } | { line: number; problem: string };

function* rowsOf(text: string): Generator<Row, void, undefined> {
  const records = readCsv(text);
  const first = records.next();
  if (first.done) throw new AppError('ERR_INPUT_INVALID', '文件为空 (the file is empty)');
  if (first.value.error !== undefined)
    throw new AppError('ERR_INPUT_INVALID', `第 1 行 line 1: ${first.value.error}`);
  const columns = readHeader(first.value.fields);
  for (const record of records) {
    if (record.error !== undefined) {
      yield { line: record.line, problem: record.error };
      continue;
    }
    const parsed = parseRow(columns, record.fields);
    yield typeof parsed === 'string'
      ? { line: record.line, problem: parsed }
      : { line: record.line, person: parsed };
  }
}

export async function importPersons(
  handle: DatabaseHandle,
  cipher: PersonalDataCipher,
  text: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const every = options.progressEvery ?? 10_000;
  const batchSize = options.batchSize ?? 500;
  const now = options.now ?? Date.now();
  await assertDataKeyMatches(handle, cipher);

  // Pass 1: check everything, write nothing.
  const invalid: RowProblem[] = [];
  const firstLine = new Map<string, number>();
  const withoutPassword: { line: number; hash: string }[] = [];
  let rows = 0;
  for (const row of rowsOf(text)) {
    rows += 1;
    if ('problem' in row) invalid.push({ line: row.line, reason: row.problem });
    else {
      const earlier = firstLine.get(row.person.ssn);
      if (earlier !== undefined)
        invalid.push({ line: row.line, reason: `ssn: 与第 ${earlier} 行重复 (same as line ${earlier})` });
      else {
        firstLine.set(row.person.ssn, row.line);
        if (row.person.servicePassword === null)
          withoutPassword.push({ line: row.line, hash: cipher.lookupHash(row.person.ssn) });
      }
    }
    if (rows % every === 0) options.onProgress?.({ phase: 'check', done: rows, total: rows });
  }
  options.onProgress?.({ phase: 'check', done: rows, total: rows });
  const known = await existingBackendPersons(
    handle.db,
    withoutPassword.map((w) => w.hash),
  );
  for (const w of withoutPassword)
    if (!known.has(w.hash))
      invalid.push({ line: w.line, reason: 'servicePassword: 新人员必须填写 (required for a new person)' });
  invalid.sort((a, b) => a.line - b.line);
  if (invalid.length > 0 && options.skipInvalid !== true)
    return { rows, invalid, imported: false, created: 0, updated: 0 };

  // Pass 2: hash, encrypt and write the good rows.
  const badLines = new Set(invalid.map((p) => p.line));
  const total = rows - invalid.length;
  let done = 0;
  let created = 0;
  let updated = 0;
  let batch: PersonInput[] = [];
  const flush = async (): Promise<void> => {
    // argon2 runs on the thread pool: hashing a batch at once uses every core.
    const writes = await Promise.all(batch.map((p) => encodePerson(cipher, p, now)));
    const result = await writeBackendPersons(handle.db, writes);
    created += result.created;
    updated += result.updated;
    const before = done;
    done += batch.length;
    batch = [];
    if (Math.floor(done / every) > Math.floor(before / every))
      options.onProgress?.({ phase: 'write', done, total });
  };
  for (const row of rowsOf(text)) {
    if ('problem' in row || badLines.has(row.line)) continue;
    batch.push(row.person);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  options.onProgress?.({ phase: 'write', done, total });
  return { rows, invalid, imported: true, created, updated };
}

/** persons.csv text for these people (header and CRLF line ends, as RFC 4180 writes them). */
export function personsCsv(persons: readonly PersonInput[]): string {
  const extraNames = [...new Set(persons.flatMap((p) => Object.keys(p.extra)))];
  const lines = [csvLine([...PERSON_COLUMNS, ...extraNames])];
  for (const p of persons)
    lines.push(
      csvLine([
        p.ssn,
        p.name,
        p.servicePassword ?? '',
        p.insurances.map((i) => `${i.type}:${i.status}`).join(';'),
        p.pensionBalanceCents === null ? '' : formatYuan(p.pensionBalanceCents),
        p.pensionAsOf ?? '',
        ...extraNames.map((n) => p.extra[n] ?? ''),
      ]),
    );
  return `${lines.join('\r\n')}\r\n`;
}
