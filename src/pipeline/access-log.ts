/**
 * Writes the interface access log (standard §8.1 c) in batches: a call only appends to a buffer,
 * which is flushed every `flushMs` or at `maxBuffered` entries, so admission never waits for it.
 * A buffer that cannot be written is retried with the next flush; past `maxBuffered` × 10 the
 * oldest entries are dropped (and counted in the log) rather than growing without bound.
 */
import type { Logger } from 'pino';
import { insertAccessEntries, type AccessEntry } from '../store/access-log.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';

export class AccessLogWriter {
  private buffer: AccessEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private dropped = 0;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly ids: IdAllocator,
    private readonly logger: Logger,
    private readonly settings = { flushMs: 500, maxBuffered: 1000 },
  ) {
    this.timer = setInterval(() => void this.flush(), settings.flushMs);
    this.timer.unref();
  }

  record(entry: AccessEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.settings.maxBuffered * 10) {
      this.dropped += this.buffer.length - this.settings.maxBuffered * 10;
      this.buffer = this.buffer.slice(-this.settings.maxBuffered * 10);
    }
    if (this.buffer.length >= this.settings.maxBuffered) void this.flush();
  }

  /** Writes what is buffered; resolves when it is written (or failed, to be retried). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      try {
        await this.ids.reserve(batch.length);
        await insertAccessEntries(
          this.handle.db,
          batch.map((e) => ({ ...e, id: this.ids.take() })),
        );
        if (this.dropped > 0) {
          this.logger.warn(
            { dropped: this.dropped },
            '接口访问日志有条目未能写入 access log entries dropped',
          );
          this.dropped = 0;
        }
      } catch (err) {
        this.buffer = batch.concat(this.buffer);
        this.logger.warn({ err }, '接口访问日志写入失败 access log write failed');
      }
    })().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
