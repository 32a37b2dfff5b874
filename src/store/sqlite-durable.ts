/**
 * Durable SQLite commits without stopping the event loop for the disk (docs/performance.md).
 *
 * With `synchronous = FULL` every COMMIT waits for an fsync of the WAL on the one thread that also
 * parses HTTP, runs the dispatcher and the carrier links: at a few milliseconds an fsync, a fifth
 * of that thread went to waiting. Here the connection commits with `synchronous = NORMAL` (the
 * frames reach the WAL, not yet the disk; SQLite stays consistent either way) and the WAL is then
 * fsynced on libuv's thread pool. A caller is released — its transaction or statement resolves —
 * only after an fsync that began after its commit, and so is every later caller, including readers:
 * nobody acts on, or answers from, a commit that a power cut could still take back. That is FULL's
 * promise, kept; meanwhile the connection is free for the next transaction, and one fsync serves
 * every commit made while the previous one ran.
 *
 * Checkpoints — copying the WAL into the database, with an fsync of each — run on a worker thread
 * with a connection of its own (`Checkpointer`); the serving connection checkpoints only as a safety
 * net, should the WAL outgrow that. kill -9 loses nothing either way: written frames are in the
 * operating system's cache.
 */
import { closeSync, fsync, open as openFile } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SqliteDialect, SqliteDriver, type Driver, type SqliteDialectConfig } from 'kysely';

export class WalSync {
  private commits = 0;
  private durable = 0;
  private inFlight: { covers: number; done: Promise<void> } | null = null;
  private queued: Promise<void> | null = null;
  private fd: number | null = null;

  constructor(
    private readonly walPath: string,
    /** Synced instead when there is no WAL (every frame checkpointed and the file removed). */
    private readonly databasePath: string,
  ) {}

  /** Called after each statement that ended a write outside a transaction (a COMMIT, an autocommit write). */
  committed(): void {
    this.commits++;
  }

  /** Resolves once every commit made so far is on disk; undefined when it already is. */
  settled(): Promise<void> | undefined {
    const target = this.commits;
    if (this.durable >= target) return undefined;
    if (this.inFlight === null) return this.start();
    if (this.inFlight.covers >= target) return this.inFlight.done;
    // The fsync under way began before this commit: the next one, shared by all who wait now.
    this.queued ??= this.inFlight.done
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<void> {
    const covers = this.commits;
    const done = this.fsync().then(() => {
      this.durable = Math.max(this.durable, covers);
    });
    const flight = { covers, done };
    this.inFlight = flight;
    const clear = () => {
      if (this.inFlight === flight) this.inFlight = null;
    };
    done.then(clear, clear);
    return done;
  }

  protected fsync(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sync = (fd: number) =>
        fsync(fd, (err) => {
          if (err) reject(err);
          else resolve();
        });
      if (this.fd !== null) {
        sync(this.fd);
        return;
      }
      // Opened once: SQLite removes the WAL only when the last connection closes, and this one is
      // open until close(). Without a WAL yet, the database file holds every commit.
      openFile(this.walPath, 'r', (err, fd) => {
        if (err && err.code !== 'ENOENT') {
          reject(err);
          return;
        }
        if (!err) {
          this.fd = fd;
          sync(fd);
          return;
        }
        openFile(this.databasePath, 'r', (err2, dbFd) => {
          if (err2) {
            reject(err2);
            return;
          }
          fsync(dbFd, (err3) => {
            closeSync(dbFd);
            if (err3) reject(err3);
            else resolve();
          });
        });
      });
    });
  }

  /** Waits for the last fsync and lets go of the WAL. */
  async close(): Promise<void> {
    await this.settled();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Kysely's SQLite dialect whose connection, once released, waits for the WAL fsync (above). */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly wal: WalSync,
    private readonly checkpointer: Checkpointer,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(this.settings, this.wal, this.checkpointer);
  }
}

class DurableSqliteDriver extends SqliteDriver {
  constructor(
    settings: SqliteDialectConfig,
    private readonly wal: WalSync,
    private readonly checkpointer: Checkpointer,
  ) {
    super(settings);
  }

  /** Frees the connection for the next transaction first, then waits for the disk. */
  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    await this.wal.settled();
  }

  override async destroy(): Promise<void> {
    await this.checkpointer.close();
    await this.wal.close();
    await super.destroy();
  }
}

/** How often the worker checkpoints, and the WAL size (pages) at which the serving connection would. */
export const CHECKPOINT_EVERY_MS = 100;
export const FALLBACK_CHECKPOINT_PAGES = 20_000;

// CommonJS evaluated in the worker: the same better-sqlite3 the process loaded, found by path.
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** PASSIVE checkpoints off the event loop: they never wait for, nor hold up, the serving connection. */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, onError: (message: string) => void = () => undefined) {
    this.worker = new Worker(CHECKPOINTER, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        everyMs: CHECKPOINT_EVERY_MS,
      },
    });
    this.worker.unref();
    this.worker.on('message', (message: string) => onError(message));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // A worker that fails to start leaves the serving connection's own checkpoints in charge.
    this.worker.on('error', (err) => onError(err.message));
  }

  /** Stops and closes the worker's connection (before the serving one, which is the last). */
  async close(): Promise<void> {
    // Held open until the worker has closed its connection (it is unreferenced while it serves).
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
