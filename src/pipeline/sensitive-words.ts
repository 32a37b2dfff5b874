/**
 * The sensitive-word list kept in memory for admission (docs/design.md §7: admission must stay fast). The
 * matcher is rebuilt when the list changed — at once when this process changed it (`invalidate`),
 * within `refreshMs` when another process did. A failed reload keeps the last list.
 */
import type { Logger } from 'pino';
import { compileWords, type WordMatcher, type WordVerdict } from '../domain/sensitive-words.js';
import type { DatabaseHandle } from '../store/connect.js';
import { listSensitiveWords, sensitiveWordsFingerprint } from '../store/sensitive-words.js';

const EMPTY = compileWords([]);

export class SensitiveWordList {
  private matcher: WordMatcher = EMPTY;
  private fingerprint = '';
  private checkedAt = -Infinity;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly options: { refreshMs?: number; now?: () => number; logger?: Logger } = {},
  ) {}

  /** The words a text contains; waits only for the very first load. */
  async verdict(text: string): Promise<WordVerdict> {
    const now = (this.options.now ?? Date.now)();
    if (now - this.checkedAt >= (this.options.refreshMs ?? 2000)) {
      const load = this.reload(now);
      if (this.checkedAt === -Infinity) await load;
    }
    return this.matcher.verdict(text);
  }

  /** Reload at the next look (this process changed the list). */
  invalidate(): void {
    this.checkedAt = -Infinity;
    this.fingerprint = '';
    // A load already running may have read the list before the change.
    this.loading = null;
  }

  private reload(now: number): Promise<void> {
    this.loading ??= (async () => {
      try {
        const fingerprint = await sensitiveWordsFingerprint(this.handle.db);
        if (fingerprint !== this.fingerprint) {
          this.matcher = compileWords(await listSensitiveWords(this.handle.db));
          this.fingerprint = fingerprint;
        }
        this.checkedAt = now;
      } catch (err) {
        this.options.logger?.warn({ err }, '敏感词加载失败 sensitive words not reloaded');
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
