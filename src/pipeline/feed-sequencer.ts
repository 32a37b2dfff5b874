/**
 * Numbers finished reports and uplinks for the business systems' cursors (`store/feeds.ts`).
 * A poke waits a little so that one numbering run covers many of the writer's groups; pokes that
 * arrive while a run is going schedule exactly one more.
 */
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../store/connect.js';
import { sequenceFeeds } from '../store/feeds.js';

const GATHER_MS = 100;

export class FeedSequencer {
  private running: Promise<unknown> | null = null;
  private again = false;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly logger: Logger,
  ) {}

  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = new Promise((r) => setTimeout(r, GATHER_MS))
      .then(() => sequenceFeeds(this.handle.db, this.handle.caps))
      .catch((err: unknown) => this.logger.warn({ err }, '报告编号失败 feed sequencing failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Resolves when no numbering run is going (the last one may have scheduled another). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }
}
