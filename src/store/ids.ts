/**
 * Ids are handed out in blocks (hi/lo): one statement reserves `blockSize` numbers for this process,
 * which then numbers rows without asking the database. Several processes get disjoint blocks, so
 * ids are unique but not commit-ordered across processes (feeds use `seq` for that, see feeds.ts).
 *
 * `reserve(n)` must run outside any open transaction: on SQLite the one connection is busy inside
 * one, and the block must survive the caller's rollback anyway.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class IdAllocator {
  private next = 0;
  private end = 0;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blockSize = 10_000,
    private readonly name = 'ids',
  ) {}

  /** Ensures at least `count` ids can be taken synchronously. */
  async reserve(count: number): Promise<void> {
    while (this.end - this.next < count) {
      this.pending ??= this.fetchBlock(Math.max(this.blockSize, count)).finally(() => {
        this.pending = null;
      });
      await this.pending;
    }
  }

  /**
   * Reserves `count` ids for one caller alone and returns their taker: callers that reserve and
   * then take across an await (two admission groups in flight) cannot take each other's.
   */
  async claim(count: number): Promise<() => number> {
    // The check and the taking share one synchronous step after the last await.
    while (this.end - this.next < count) {
      this.pending ??= this.fetchBlock(Math.max(this.blockSize, count)).finally(() => {
        this.pending = null;
      });
      await this.pending;
    }
    let next = this.next;
    const end = next + count;
    this.next = end;
    return () => {
      if (next >= end) throw new RangeError('IdAllocator: more ids taken than claimed');
      return next++;
    };
  }

  available(): number {
    return this.end - this.next;
  }

  /** Takes one reserved id; throws if `reserve` was not awaited first (a programming error). */
  take(): number {
    if (this.next >= this.end) throw new RangeError('IdAllocator: take() without reserve()');
    return this.next++;
  }

  async nextId(): Promise<number> {
    await this.reserve(1);
    return this.take();
  }

  private async fetchBlock(size: number): Promise<void> {
    await this.db
      .insertInto('sequences')
      .values({ name: this.name, next_value: 1 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .updateTable('sequences')
      .set((eb) => ({ next_value: eb('next_value', '+', size) }))
      .where('name', '=', this.name)
      .returning('next_value')
      .executeTakeFirstOrThrow();
    const end = row.next_value;
    // A block adjacent to the current one simply extends it.
    if (end - size !== this.end) this.next = end - size;
    this.end = end;
  }
}
