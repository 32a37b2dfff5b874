/**
 * The batch file's worker thread (piscina): parsing happens here (batch-file-parse.ts). Errors come
 * back as values: a ConsoleError's status and body would not survive the thread boundary as a throw.
 */
import { parseBatchFile, type BatchFile } from './batch-file-parse.js';
import { ConsoleError, consoleError } from './errors.js';

export type WorkerAnswer =
  | { ok: true; file: BatchFile }
  | { ok: false; status: number; body: Record<string, unknown> };

export default async function parseInWorker(task: { fileName: string; base64: string }): Promise<WorkerAnswer> {
  try {
    return { ok: true, file: await parseBatchFile(task.fileName, task.base64) };
  } catch (err) {
    const known = err instanceof ConsoleError ? err : consoleError('SEND_BAD_FILE', (err as Error).message);
    return { ok: false, status: known.status, body: known.body };
  }
}
