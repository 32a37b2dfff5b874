/**
 * Retention (docs/data-protection.md "Retention", `retention.*`): every `intervalSeconds`, what is
 * older than its configured days is removed in batches of `batch` rows, one short transaction each,
 * with the event loop handed back between batches so sends are not held up; a run stops after a
 * bounded number of batches and the next run goes on. The interface access log goes after
 * `interfaceLogDays`. Export folders a stopped process left behind
 * in the temporary directory are removed after `exportsDays`.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { DatabaseHandle } from '../store/connect.js';
import { pruneAccessLog, pruneCitizenRequests, pruneMessages, pruneUplinks } from '../store/retention.js';

/** The console's export jobs make their folders with this prefix (console/exports.ts). */
export const EXPORT_DIR_PREFIX = 'sms12333-exports-';

const DAY_MS = 86_400_000;
/** Batches per kind in one run: a backlog is worked off over several runs. */
const MAX_BATCHES = 200;

export interface RetentionSummary {
  messages: number;
  uplinks: number;
  citizenRequests: number;
  interfaceLog: number;
  exportDirs: number;
}

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly settings: Config['retention'],
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly exportRoot: string = tmpdir(),
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running || this.stopped) return;
      this.running = this.runOnce()
        .catch((err: unknown) => this.logger.error({ err }, '数据保留清理失败 retention run failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.settings.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async drain(
    prune: (before: number, limit: number) => Promise<number>,
    days: number,
  ): Promise<number> {
    const before = this.now() - days * DAY_MS;
    let total = 0;
    for (let i = 0; i < MAX_BATCHES && !this.stopped; i++) {
      const removed = await prune(before, this.settings.batch);
      total += removed;
      if (removed < this.settings.batch) break;
      await yieldToLoop();
    }
    return total;
  }

  async runOnce(): Promise<RetentionSummary> {
    const db = this.handle.db;
    const s = this.settings;
    const summary: RetentionSummary = {
      messages: await this.drain((b, n) => pruneMessages(db, b, n), s.messagesDays),
      uplinks: await this.drain((b, n) => pruneUplinks(db, b, n), s.uplinksDays),
      citizenRequests: await this.drain((b, n) => pruneCitizenRequests(db, b, n), s.citizenRequestsDays),
      interfaceLog: await this.drain((b, n) => pruneAccessLog(db, b, n), s.interfaceLogDays),
      exportDirs: await this.pruneExportDirs(this.now() - s.exportsDays * DAY_MS),
    };
    if (Object.values(summary).some((n) => n > 0))
      this.logger.info(summary, '已按保留期限清理 retention pruned');
    return summary;
  }

  private async pruneExportDirs(before: number): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.exportRoot).catch(() => [])) {
      if (!name.startsWith(EXPORT_DIR_PREFIX)) continue;
      const path = join(this.exportRoot, name);
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory() && info.mtimeMs < before) {
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }
}
