/**
 * The backup's worker thread (piscina): everything a backup does — reading the snapshot, encoding,
 * encrypting, writing — happens here, so the event loop serving the gateways only awaits the result.
 * Errors come back as values: an AppError's code would not survive the thread boundary as a throw.
 */
import { isAppError } from '../shared/errors.js';
import { writeBackup, type BackupResult, type BackupTask } from './backup-write.js';

export type WorkerAnswer = { ok: true; result: BackupResult } | { ok: false; code: string; detail: string };

export default async function backupInWorker(task: BackupTask): Promise<WorkerAnswer> {
  try {
    return { ok: true, result: await writeBackup(task) };
  } catch (err) {
    return isAppError(err)
      ? { ok: false, code: err.code, detail: err.detail ?? '' }
      : { ok: false, code: 'ERR_BACKUP_FAILED', detail: (err as Error).message };
  }
}
