/**
 * A batch file an operator uploads on the Send page, read in a worker thread by the parser the SFTP
 * batch interface shares (pipeline/batch-file.ts); a file that cannot be read answers SEND_BAD_FILE.
 */
import { BatchFileError, readBatchFile as readInWorker, type BatchFile } from '../pipeline/batch-file.js';
import { consoleError } from './errors.js';

export { MAX_BATCH_ROWS, type BatchFile, type BatchRow } from '../pipeline/batch-file.js';

export async function readBatchFile(fileName: string, base64: string): Promise<BatchFile> {
  try {
    return await readInWorker({ fileName, base64 });
  } catch (err) {
    if (!(err instanceof BatchFileError)) throw err;
    throw consoleError('SEND_BAD_FILE', err.message, err.line !== undefined ? { line: err.line } : undefined);
  }
}
