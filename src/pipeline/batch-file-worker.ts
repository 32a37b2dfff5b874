/**
 * The batch file's worker thread (piscina): parsing happens here (batch-file-parse.ts). Errors come
 * back as values: an error's fields would not survive the thread boundary as a throw. The file comes
 * as base64 (the console's upload) or as a path the worker reads itself (an SFTP upload).
 */
import { readFile } from 'node:fs/promises';
import { BatchFileError, parseBatchFile, type BatchFile } from './batch-file-parse.js';

export type WorkerTask = { fileName: string } & ({ base64: string } | { path: string });

export type WorkerAnswer = { ok: true; file: BatchFile } | { ok: false; message: string; line?: number };

export default async function parseInWorker(task: WorkerTask): Promise<WorkerAnswer> {
  try {
    const bytes = 'path' in task ? await readFile(task.path) : Buffer.from(task.base64, 'base64');
    return { ok: true, file: await parseBatchFile(task.fileName, bytes) };
  } catch (err) {
    if (err instanceof BatchFileError)
      return { ok: false, message: err.message, ...(err.line !== undefined && { line: err.line }) };
    return { ok: false, message: (err as Error).message };
  }
}
