/**
 * Group commit: callers submit items and wait; items that arrive while a flush is running are
 * written together by the next flush, in one transaction. Under load the groups grow by
 * themselves; when idle a single item is flushed on the next tick, so there is no added delay.
 */
export interface GroupCommitOptions<I> {
  /** Flush at most this much weight (e.g. recipients) in one group. */
  maxWeight: number;
  weight?: (item: I) => number;
  /**
   * Groups written at once (default 1). With 2, the next group's transaction runs while the last
   * one's commit reaches the disk (PostgreSQL's round trips and commit, SQLite's WAL fsync); each
   * group still answers only once it is durable. Callers must not need one group's order after
   * another's: requests in flight together are concurrent anyway.
   */
  concurrency?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

export class GroupCommitter<I, O> {
  private queue: Waiting<I, O>[] = [];
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  private closed = false;

  constructor(
    /** Writes a group; must answer one output per item, in order, or throw for the whole group. */
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions<I>,
  ) {}

  submit(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new Error('group committer closed'));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  pending(): number {
    return this.queue.length;
  }

  /** Waits until everything submitted so far is written, then refuses new items. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0 || this.queue.length > 0) {
      if (this.running.size === 0) this.schedule();
      await Promise.all(this.running);
      await new Promise((r) => setImmediate(r));
    }
  }

  private full(): boolean {
    return this.running.size >= (this.options.concurrency ?? 1);
  }

  private schedule(): void {
    if (this.scheduled || this.full()) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.full() || this.queue.length === 0) return;
      const run: Promise<void> = this.runOnce().finally(() => {
        this.running.delete(run);
        if (this.queue.length > 0) this.schedule();
      });
      this.running.add(run);
    });
  }

  private async runOnce(): Promise<void> {
    const weightOf = this.options.weight ?? (() => 1);
    let count = 0;
    let weight = 0;
    for (const next of this.queue) {
      const w = weightOf(next.item);
      if (count > 0 && weight + w > this.options.maxWeight) break;
      count++;
      weight += w;
    }
    const group = this.queue.splice(0, count);
    try {
      const outputs = await this.flush(group.map((g) => g.item));
      group.forEach((g, i) => g.resolve(outputs[i] as O));
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }
}
