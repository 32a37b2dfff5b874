/**
 * Backups as the platform takes them (docs/deploy.md "Backups"): `runBackup` records the attempt
 * (table `backups`, shown in the console), takes it in a worker thread (store/backup.ts) and writes
 * the audit entry; `BackupScheduler` runs it from `serve` at `backup.schedule` and keeps the newest
 * `backup.keep` files. Nothing here runs on the event loop for longer than a file listing.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { appendAudit, type AuditKey } from '../audit/log.js';
import type { Config } from '../config/schema.js';
import { scheduledBackupDue } from '../domain/backup-schedule.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { createPersonalDataCipher } from '../security/personal-data.js';
import { isAppError } from '../shared/errors.js';
import { takeBackup, type BackupResult } from '../store/backup.js';
import { readRecipients } from '../store/backup-keys.js';
import { lastScheduledStart, recordBackupEnd, recordBackupStart } from '../store/backup-log.js';
import type { DatabaseHandle } from '../store/connect.js';

export interface BackupDeps {
  handle: DatabaseHandle;
  databaseUrl: string;
  masterKey: Buffer;
  auditKey: AuditKey;
  pgDump: string;
  now: () => number;
}

/** One backup, recorded and audited; throws what the backup threw. */
export async function runBackup(
  deps: BackupDeps,
  job: { out: string; recipients: string[]; trigger: 'cli' | 'schedule'; actor: string },
): Promise<BackupResult> {
  const id = randomUUID();
  const startedAt = deps.now();
  await recordBackupStart(deps.handle.db, { id, trigger: job.trigger, file: job.out, startedAt });
  try {
    const result = await takeBackup({
      url: deps.databaseUrl,
      out: job.out,
      recipients: job.recipients,
      dataKey: deps.masterKey.toString('base64'),
      keyId: createPersonalDataCipher(deps.masterKey).keyId,
      pgDump: deps.pgDump,
      now: startedAt,
    });
    await recordBackupEnd(deps.handle.db, id, {
      status: 'ok',
      finishedAt: deps.now(),
      bytes: result.bytes,
      rows: result.rows,
      method: result.method,
    });
    await appendAudit(deps.handle, deps.auditKey, {
      kind: 'data',
      actor: job.actor,
      action: 'backup.create',
      target: job.out,
      result: 'ok',
      detail: { trigger: job.trigger, bytes: result.bytes, rows: result.rows, method: result.method },
    });
    return result;
  } catch (err) {
    const error = isAppError(err) ? `${err.code}: ${err.detail ?? ''}` : (err as Error).message;
    await recordBackupEnd(deps.handle.db, id, { status: 'failed', finishedAt: deps.now(), error });
    await appendAudit(deps.handle, deps.auditKey, {
      kind: 'data',
      actor: job.actor,
      action: 'backup.create',
      target: job.out,
      result: 'failed',
      detail: { trigger: job.trigger, error: error.slice(0, 200) },
    });
    throw err;
  }
}

const SCHEDULED_FILE = /^sms12333-\d{8}-\d{6}\.age$/;

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: BackupDeps,
    private readonly settings: Config['backup'],
    private readonly logger: Logger,
    private readonly checkMs = 60_000,
  ) {}

  start(): void {
    if (this.settings.schedule === null) return;
    this.timer = setInterval(() => this.tick(), this.checkMs);
    this.timer.unref();
    this.tick();
  }

  /** Starts the backup if one is due and none is running; `settled()` waits for it. */
  tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.runIfDue()
      .catch((err: unknown) => this.logger.error({ err }, '定时备份失败 scheduled backup failed'))
      .finally(() => {
        this.running = null;
      });
  }

  async settled(): Promise<void> {
    await this.running;
  }

  private async runIfDue(): Promise<void> {
    const schedule = this.settings.schedule;
    if (schedule === null) return;
    const last = await lastScheduledStart(this.deps.handle.db);
    if (!scheduledBackupDue(schedule, last, this.deps.now())) return;
    await mkdir(this.settings.dir, { recursive: true, mode: 0o700 });
    const out = join(this.settings.dir, `sms12333-${formatBeijing(this.deps.now(), 'yyyyMMdd-HHmmss')}.age`);
    const result = await runBackup(this.deps, {
      out,
      recipients: readRecipients(this.settings.recipientFile),
      trigger: 'schedule',
      actor: 'system',
    });
    this.logger.info(
      { file: result.file, bytes: result.bytes, rows: result.rows, method: result.method },
      '定时备份完成 scheduled backup written',
    );
    const files = (await readdir(this.settings.dir)).filter((f) => SCHEDULED_FILE.test(f)).sort();
    for (const old of files.slice(0, Math.max(0, files.length - this.settings.keep)))
      await rm(join(this.settings.dir, old), { force: true });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    // A backup under way finishes: cutting it off would leave only its partial file.
    await this.running;
  }
}
