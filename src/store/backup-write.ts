/**
 * Writes one backup (docs/deploy.md "Backups"): the snapshot's tables as the lines of
 * backup-format.ts, encrypted to the age recipients as they are produced, into `out`. Only
 * ciphertext touches the disk: the file grows as `out.partial` (mode 0600), is synced, then renamed;
 * a failure removes it. Runs in a worker thread (backup.ts), never on the serving event loop.
 */
import { open, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Encrypter } from 'age-encryption';
import { AppError } from '../shared/errors.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  TableChecksum,
  type BackupHeader,
  type BackupManifest,
  type SnapshotMethod,
  type TableSummary,
} from './backup-format.js';
import { openSnapshot, type Snapshot } from './backup-snapshot.js';

export interface BackupTask {
  url: string;
  out: string;
  recipients: string[];
  /** The personal-data master key, base64, and its id (security/personal-data.ts). */
  dataKey: string;
  keyId: string;
  /** pg_dump program, or '' for the in-process export. */
  pgDump: string;
  now: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  rows: number;
  tables: Record<string, TableSummary>;
  method: SnapshotMethod;
  schema: string[];
}

const CHUNK = 64 * 1024;

async function* encode(
  snapshot: Snapshot,
  task: BackupTask,
  manifest: BackupManifest,
): AsyncGenerator<Buffer> {
  let buffered = '';
  const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: task.now,
    source: snapshot.source,
    method: snapshot.method,
    schema: snapshot.schema,
    dataKey: task.dataKey,
    keyId: task.keyId,
  };
  buffered += line(header);
  for await (const { table, columns, batches } of snapshot.tables()) {
    const sum = new TableChecksum(columns);
    buffered += line({ table, columns });
    for await (const batch of batches) {
      for (const row of batch) {
        sum.add(row);
        buffered += line(row);
      }
      if (buffered.length >= CHUNK) {
        yield Buffer.from(buffered, 'utf8');
        buffered = '';
      }
    }
    manifest.tables[table] = { rows: sum.rows, checksum: sum.checksum };
    manifest.rows += sum.rows;
    buffered += line({ end: table, rows: sum.rows, checksum: sum.checksum });
  }
  // Ends the snapshot before the manifest is written: a pg_dump that failed leaves no manifest.
  await snapshot.close();
  buffered += line({ manifest });
  yield Buffer.from(buffered, 'utf8');
}

export async function writeBackup(task: BackupTask): Promise<BackupResult> {
  if (task.recipients.length === 0) throw new AppError('ERR_BACKUP_KEY', 'no recipient');
  const encrypter = new Encrypter();
  for (const r of task.recipients) encrypter.addRecipient(r);
  const snapshot = await openSnapshot(task.url, { pgDump: task.pgDump });
  const manifest: BackupManifest = { tables: {}, rows: 0 };
  const partial = `${task.out}.partial`;
  let file: Awaited<ReturnType<typeof open>> | null = null;
  try {
    const plain = Readable.toWeb(
      Readable.from(encode(snapshot, task, manifest)),
    ) as unknown as ReadableStream<Uint8Array>;
    const sealed = await encrypter.encrypt(plain);
    file = await open(partial, 'w', 0o600);
    for await (const chunk of sealed as unknown as AsyncIterable<Uint8Array>) await file.write(chunk);
    await file.sync();
    const { size } = await file.stat();
    await file.close();
    file = null;
    await rename(partial, task.out);
    return {
      file: task.out,
      bytes: size,
      rows: manifest.rows,
      tables: manifest.tables,
      method: snapshot.method,
      schema: snapshot.schema,
    };
  } catch (err) {
    await file?.close().catch(() => undefined);
    await snapshot.close().catch(() => undefined);
    await rm(partial, { force: true });
    if (err instanceof AppError) throw err;
    throw new AppError('ERR_BACKUP_FAILED', (err as Error).message, { cause: err });
  }
}
