/**
 * Background CSV exports of the message search. A job writes the rows matching the
 * filters page by page into a temporary file, so the browser can show its progress and download
 * the file when it is done. Jobs are bounded: a row cap, one running job per user, and files
 * removed some minutes after they finish (or at shutdown).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { EXPORT_DIR_PREFIX } from '../pipeline/retention.js';

export type ExportState = 'running' | 'done' | 'failed';

export interface ExportJob {
  id: string;
  owner: number;
  state: ExportState;
  total: number;
  written: number;
  file: string;
  fileName: string;
  startedAt: number;
  finishedAt: number | null;
}

/** Writes the lines of one export; `progress` is called after every page with the rows so far. */
export type ExportWriter = (
  write: (chunk: string) => Promise<void>,
  progress: (rows: number) => void,
) => Promise<void>;

export interface ExportJobs {
  /** The new job, or null when this owner has one running already. */
  start(owner: number, total: number, fileName: string, writer: ExportWriter): Promise<ExportJob | null>;
  get(id: string): ExportJob | undefined;
  running(owner: number): ExportJob | undefined;
  close(): Promise<void>;
}

async function writeChunk(out: WriteStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export function exportJobs(options: {
  keepMs: number;
  now: () => number;
  onError?: (err: unknown) => void;
}): ExportJobs {
  const jobs = new Map<string, ExportJob>();
  let dir: Promise<string> | null = null;
  const folder = () => (dir ??= mkdtemp(join(tmpdir(), EXPORT_DIR_PREFIX)));

  function sweep(): void {
    const now = options.now();
    for (const [id, job] of jobs) {
      if (job.finishedAt !== null && job.finishedAt + options.keepMs <= now) {
        jobs.delete(id);
        if (job.file !== '') void rm(job.file, { force: true });
      }
    }
  }

  const running = (owner: number) =>
    [...jobs.values()].find((j) => j.owner === owner && j.state === 'running');

  return {
    async start(owner, total, fileName, writer) {
      sweep();
      // Checked and registered before any await, so two requests at once cannot both start one.
      if (running(owner)) return null;
      const id = randomUUID();
      const job: ExportJob = {
        id,
        owner,
        state: 'running',
        total,
        written: 0,
        file: '',
        fileName,
        startedAt: options.now(),
        finishedAt: null,
      };
      jobs.set(id, job);
      try {
        job.file = join(await folder(), `${id}.csv`);
      } catch (err) {
        jobs.delete(id);
        throw err;
      }
      const out = createWriteStream(job.file, { mode: 0o600 });
      void (async () => {
        try {
          await writer(
            (chunk) => writeChunk(out, chunk),
            (rows) => {
              job.written = rows;
            },
          );
          out.end();
          await once(out, 'finish');
          job.state = 'done';
        } catch (err) {
          out.destroy();
          job.state = 'failed';
          options.onError?.(err);
        } finally {
          job.finishedAt = options.now();
          // The file goes at the latest `keepMs` after the job finished, even if nobody asks again.
          setTimeout(sweep, options.keepMs + 1000).unref();
        }
      })();
      return job;
    },
    get(id) {
      sweep();
      return jobs.get(id);
    },
    running,
    async close() {
      jobs.clear();
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
}
