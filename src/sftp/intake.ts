/**
 * The SFTP intake (docs/sftp.md): takes each completed file from an account's inbox, once, and
 * answers in its outbox.
 *
 * A file is first moved out of the inbox into the platform's work folder (the account no longer
 * sees or changes it), then recorded by account, name and SHA-256 (store/sftp.ts). Each row goes
 * through the interface's send rules (pipeline/interface-send.ts) with the idempotency key
 * "sftp <file> <line>": after a kill -9 the work folder still holds the file, its record still says
 * `processing`, and running it again replays the rows already admitted — nothing is sent twice and
 * nothing is lost. Then `outbox/NAME.result.csv` is written, the record becomes `admitted`, and the
 * work copy goes. A file that cannot be read is refused whole (`outbox/NAME.error.txt`), nothing
 * sent. Once every message of an admitted file is final, `outbox/NAME.report.csv` follows. Replies
 * to the account go to `outbox/replies-FIRST-LAST.csv`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { csvLine, spreadsheetLine } from '../domain/csv.js';
import { ResultError } from '../domain/result-codes.js';
import { requireSendFields } from '../domain/send-request.js';
import { FINAL_STATUSES } from '../domain/status.js';
import { BatchFileError, readBatchFile } from '../pipeline/batch-file.js';
import { isoBeijing, replyItem } from '../pipeline/feed-items.js';
import { interfaceSend, type InterfaceSendDeps } from '../pipeline/interface-send.js';
import { findAppById, findAppByName, type AppRecord } from '../store/apps.js';
import { pullReplies } from '../store/feeds.js';
import type { IdAllocator } from '../store/ids.js';
import {
  admitSftpFile,
  markSftpReported,
  noteSftpRepeat,
  pendingSftpMessages,
  rejectSftpFile,
  setSftpReplyCursor,
  sftpFilesIn,
  sftpReplyCursors,
  sftpReportRows,
  takeSftpFile,
  type SftpFile,
} from '../store/sftp.js';
import { AccountFolder, INBOX, OUTBOX } from './folder.js';
import { fileProblem, rowBody } from './rows.js';
import { isCompletedName } from './session.js';

export interface IntakeDeps {
  send: InterfaceSendDeps;
  ids: IdAllocator;
  /** The accounts' folders: <dir>/<appName>/inbox, outbox; the work folder is <dir>/.work. */
  dir: string;
  /** Stands in for an account's empty signature, as on the interface. */
  defaultSignature: string;
  /** Opens the sealed whole text of a reply stored masked (store/uplinks.ts). */
  openText?: ((token: string) => string) | undefined;
  pollMs: number;
  logger: Logger;
  now?: () => number;
}

/** Rows admitted at once: one group commit takes them together. */
const ROWS_AT_ONCE = 500;
const REPLIES_PER_FILE = 5000;
const BOM = '\uFEFF';

export class SftpIntake {
  /** Real paths a session is writing: left alone until closed. */
  readonly writing = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly deps: IntakeDeps) {
    this.now = deps.now ?? Date.now;
  }

  folderOf(appName: string): AccountFolder {
    return new AccountFolder(join(this.deps.dir, appName));
  }

  private workOf(appName: string): string {
    return join(this.deps.dir, '.work', appName);
  }

  start(): void {
    const tick = (): void => {
      if (this.closed) return;
      this.wake();
      this.timer = setTimeout(tick, this.deps.pollMs);
      this.timer.unref();
    };
    tick();
  }

  /** Look now (an upload completed); a pass already running looks again when done. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'sftp intake pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves when no pass is running (tests wait for the outbox through this and the poll). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }

  private async pass(): Promise<void> {
    await mkdir(join(this.deps.dir, '.work'), { recursive: true, mode: 0o700 });
    for (const appName of await readdir(this.deps.dir)) {
      if (appName.startsWith('.') || this.closed) continue;
      // First what a crash left in the work folder, then the inbox.
      for (const entry of await readdir(this.workOf(appName)).catch(() => [] as string[]))
        await this.take(appName, join(this.workOf(appName), entry), entry.replace(/^\d+-/, ''), false);
      const inbox = join(this.deps.dir, appName, INBOX);
      for (const name of await readdir(inbox).catch(() => [] as string[])) {
        const path = join(inbox, name);
        if (!isCompletedName(name) || this.writing.has(path)) continue;
        await mkdir(this.workOf(appName), { recursive: true, mode: 0o700 });
        const work = join(this.workOf(appName), `${this.now()}-${name}`);
        await rename(path, work);
        await this.take(appName, work, name, true);
      }
    }
    await this.report();
    await this.replies();
  }

  /**
   * Replies to each SFTP account since the last pass, as `outbox/replies-FIRST-LAST.csv` (the feed's
   * sequence numbers): written whole, then the cursor moves, so a crash between rewrites the same
   * file with the same lines.
   */
  private async replies(): Promise<void> {
    const db = this.deps.send.db;
    for (const { appId, cursor } of await sftpReplyCursors(db)) {
      if (this.closed) return;
      const feed = await pullReplies(db, appId, cursor, REPLIES_PER_FILE);
      if (feed.items.length === 0) continue;
      const app = await findAppById(db, appId);
      if (!app || app.name.startsWith('.')) continue;
      const lines = [
        csvLine(['replyId', 'mobile', 'extCode', 'subExtCode', 'text', 'receivedTime']),
        ...feed.items.map((item) => {
          const r = replyItem(item, app.extCode, this.deps.openText);
          return spreadsheetLine([r.replyId, r.mobile, r.extCode, r.subExtCode, r.text, r.receivedTime]);
        }),
      ];
      await this.folderOf(app.name).ensure();
      await this.answer(
        app.name,
        `replies-${seqName(cursor + 1)}-${seqName(feed.nextCursor)}.csv`,
        `${lines.join('\r\n')}\r\n`,
      );
      await setSftpReplyCursor(db, appId, feed.nextCursor);
    }
  }

  private async take(appName: string, work: string, name: string, fromInbox: boolean): Promise<void> {
    if (name.startsWith('.tmp-')) {
      await rm(work, { force: true });
      return;
    }
    const stored = await findAppByName(this.deps.send.db, appName);
    if (!stored) return;
    const app = { ...stored, signature: stored.signature || this.deps.defaultSignature };
    const folder = this.folderOf(appName);
    await folder.ensure();
    const sha256 = await hashOf(work);
    const bytes = (await stat(work)).size;
    const { file, taken } = await takeSftpFile(
      this.deps.send.db,
      this.deps.ids,
      { appId: app.id, name, sha256, bytes },
      this.now(),
    );
    if (!taken && file.status !== 'processing') {
      if (fromInbox) {
        await this.answer(
          appName,
          `${name}.error.txt`,
          [
            `文件 ${name} 与 ${isoBeijing(file.receivedAt)} 收到的同名文件内容相同，已处理过，未再次发送。`,
            `This file (same name and content) was taken at ${isoBeijing(file.receivedAt)}; nothing was sent again.`,
          ].join('\n'),
        );
        await noteSftpRepeat(this.deps.send.db, file.id, this.now());
      }
      await rm(work, { force: true });
      return;
    }
    await this.process(app, file, work);
    await rm(work, { force: true });
  }

  private async process(app: AppRecord, file: SftpFile, work: string): Promise<void> {
    const log = this.deps.logger.child({ app: app.name, file: file.name, fileId: file.id });
    let problem: { line?: number; reason: string } | null;
    let batch: Awaited<ReturnType<typeof readBatchFile>> | null = null;
    try {
      batch = await readBatchFile({ fileName: file.name, path: work });
      problem = fileProblem(batch);
    } catch (err) {
      if (!(err instanceof BatchFileError)) throw err;
      problem = { ...(err.line !== undefined && { line: err.line }), reason: err.message };
    }
    if (problem || !batch) {
      const reason = problem?.reason ?? '文件无法读取';
      await this.answer(
        app.name,
        `${file.name}.error.txt`,
        [
          `文件 ${file.name} 未发送（nothing was sent）。`,
          ...(problem?.line !== undefined ? [`行 (line): ${problem.line}`] : []),
          `原因 (reason): ${reason}`,
        ].join('\n'),
      );
      await rejectSftpFile(this.deps.send.db, file.id, reason, this.now());
      log.info({ reason }, 'sftp file refused');
      return;
    }
    const lines: string[] = [csvLine(['line', 'mobile', 'code', 'msg', 'msgId'])];
    const messages: { messageId: number; line: number }[] = [];
    let accepted = 0;
    for (let i = 0; i < batch.rows.length; i += ROWS_AT_ONCE) {
      const slice = batch.rows.slice(i, i + ROWS_AT_ONCE);
      const answers = await Promise.all(
        slice.map(async (row) => {
          const body = rowBody(row);
          try {
            requireSendFields(body);
            return await interfaceSend(this.deps.send, app, body, this.now(), `sftp ${file.id} ${row.line}`);
          } catch (err) {
            if (err instanceof ResultError) return err.body;
            throw err;
          }
        }),
      );
      slice.forEach((row, k) => {
        const answer = answers[k] ?? {};
        const ids = (answer.msgIds ?? []) as { mobile: string; msgId: string }[];
        if (answer.code === 1 && ids.length > 0) {
          accepted += 1;
          for (const m of ids) {
            lines.push(spreadsheetLine([String(row.line), m.mobile, '1', 'OK', m.msgId]));
            messages.push({ messageId: Number(m.msgId), line: row.line });
          }
        } else {
          lines.push(
            spreadsheetLine([String(row.line), row.mobile, String(answer.code), String(answer.msg), '']),
          );
        }
      });
    }
    await this.answer(app.name, `${file.name}.result.csv`, `${lines.join('\r\n')}\r\n`);
    await admitSftpFile(
      this.deps.send.db,
      file.id,
      { rows: batch.rows.length, accepted, messages },
      this.now(),
    );
    log.info({ rows: batch.rows.length, accepted, messages: messages.length }, 'sftp file admitted');
  }

  /** Writes a file into the account's outbox whole (written aside, then renamed in). */
  private async answer(appName: string, name: string, text: string): Promise<void> {
    const work = this.workOf(appName);
    await mkdir(work, { recursive: true, mode: 0o700 });
    const tmp = join(work, `.tmp-${this.now()}-${name}`);
    await writeFile(tmp, name.endsWith('.csv') ? BOM + text : `${text}\n`, { mode: 0o600 });
    await rename(tmp, join(this.folderOf(appName).real({ kind: 'folder', folder: OUTBOX }), name));
  }

  /** Admitted files whose messages are all final get their report. */
  private async report(): Promise<void> {
    const db = this.deps.send.db;
    for (const file of await sftpFilesIn(db, 'admitted')) {
      if (this.closed) return;
      if ((await pendingSftpMessages(db, file.id, FINAL_STATUSES)) > 0) continue;
      const app = await findAppById(db, file.appId);
      if (!app) continue;
      const rows = await sftpReportRows(db, file.id);
      const lines = [
        csvLine(['line', 'mobile', 'msgId', 'status', 'stat', 'doneTime']),
        ...rows.map((r) =>
          spreadsheetLine([
            String(r.line),
            r.mobile,
            String(r.msgId),
            r.status,
            r.stat ?? '',
            r.doneAt === null ? '' : isoBeijing(r.doneAt),
          ]),
        ),
      ];
      await this.folderOf(app.name).ensure();
      await this.answer(app.name, `${file.name}.report.csv`, `${lines.join('\r\n')}\r\n`);
      await markSftpReported(db, file.id, this.now());
    }
  }
}

/** Sequence numbers padded, so the reply files sort in order by name. */
function seqName(seq: number): string {
  return String(seq).padStart(12, '0');
}

async function hashOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
