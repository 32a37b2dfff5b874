/**
 * A batch file (an operator's upload on the Send page, or a business system's over SFTP): .xlsx (the
 * first worksheet) or .csv (RFC 4180, UTF-8 or, as Chinese Excel writes it, GB 18030), parsed in a
 * worker thread (batch-file-parse.ts) so that the interface, the gateways and the console keep their event loop (docs/security.md §6).
 * The worker has a heap ceiling and a deadline: a file that would take more is refused, not read.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { BatchFileError, type BatchFile } from './batch-file-parse.js';
import type { WorkerAnswer, WorkerTask } from './batch-file-worker.js';

export { BatchFileError, MAX_BATCH_ROWS, type BatchFile, type BatchRow } from './batch-file-parse.js';

/** A 100,000-row workbook parses in a few seconds on a busy machine; a zip bomb would take longer. */
const DEADLINE_MS = 60_000;
const HEAP_MB = 512;

/** The worker's file: built JavaScript, or the TypeScript source when run through tsx (tests). */
function workerFile(): string {
  const js = fileURLToPath(new URL('./batch-file-worker.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./batch-file-worker.ts', import.meta.url));
}

let pool: Piscina | null = null;

/**
 * Threads start when a file comes and end a second after the last one: uploads are rare, and an
 * idle platform keeps no thread.
 */
function parser(): Piscina {
  if (!pool) {
    pool = new Piscina({
      filename: workerFile(),
      minThreads: 0,
      maxThreads: 2,
      idleTimeout: 1000,
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    // A worker that cannot start or runs out of heap rejects its task; the pool's own event must not end the process.
    pool.on('error', () => undefined);
  }
  return pool;
}

/** The parsed file, or a BatchFileError saying why it cannot be read. */
export async function readBatchFile(task: WorkerTask): Promise<BatchFile> {
  let answer: WorkerAnswer;
  try {
    answer = (await parser().run(task, { signal: AbortSignal.timeout(DEADLINE_MS) })) as WorkerAnswer;
  } catch (err) {
    const reason = (err as Error).name === 'AbortError' ? '读取超时' : '文件过大或无法解析';
    throw new BatchFileError(`${reason}（${(err as Error).message}）`);
  }
  if (answer.ok) return answer.file;
  throw new BatchFileError(answer.message, answer.line);
}
