/**
 * Takes a backup in a worker thread (piscina, one thread, gone afterwards): the caller — the
 * `backup` command or `serve`'s schedule — keeps its event loop for the gateways and the interface.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../shared/errors.js';
import type { WorkerAnswer } from './backup-worker.js';
import type { BackupResult, BackupTask } from './backup-write.js';

export type { BackupResult, BackupTask } from './backup-write.js';

/** The worker's file: built JavaScript, or the TypeScript source when run through tsx (tests). */
function workerFile(): string {
  const js = fileURLToPath(new URL('./backup-worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./backup-worker.ts', import.meta.url));
}

export async function takeBackup(task: BackupTask): Promise<BackupResult> {
  const pool = new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: 1, idleTimeout: 1000 });
  // A worker that cannot start rejects the task below; the pool's own event must not end the process.
  pool.on('error', () => undefined);
  try {
    const answer = (await pool.run(task)) as WorkerAnswer;
    if (answer.ok) return answer.result;
    const code = (answer.code in ERROR_CATALOGUE ? answer.code : 'ERR_BACKUP_FAILED') as ErrorCode;
    throw new AppError(code, answer.detail);
  } finally {
    await pool.destroy();
  }
}
