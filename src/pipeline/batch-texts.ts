/**
 * What the dispatcher keeps of batches between claims: each batch's text (loaded once, revealed
 * when its text is kept apart) and that text cut for each route. Every message of a batch carries
 * the same text, so it is cut once per batch and route; only the concatenation reference (byte 3 of
 * the UDH) differs per message. Both caches are bounded and simply emptied when full.
 */
import type { Kysely } from 'kysely';
import { segmentText, wholeText, type Segment, type TextProfile } from '../domain/text/index.js';
import type { Database } from '../store/schema.js';
import { loadBatches, type BatchText } from '../store/outbox.js';

const CACHE_LIMIT = 2000;

export class BatchTexts {
  private readonly texts = new Map<number, BatchText>();
  private readonly cuts = new Map<string, Segment[]>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly reveal?: (batches: BatchText[]) => Promise<BatchText[]>,
  ) {}

  get(batchId: number): BatchText | undefined {
    return this.texts.get(batchId);
  }

  /** Drops a batch's text, so the next claim loads (and reveals) it again. */
  forget(batchId: number): void {
    this.texts.delete(batchId);
  }

  /** Loads the texts of the batches not held yet; a batch `reveal` leaves out stays missing. */
  async load(batchIds: readonly number[]): Promise<void> {
    const missing = [...new Set(batchIds)].filter((id) => !this.texts.has(id));
    if (missing.length === 0) return;
    if (this.texts.size + missing.length > CACHE_LIMIT) this.texts.clear();
    let loaded = await loadBatches(this.db, missing);
    if (this.reveal) loaded = await this.reveal(loaded);
    for (const b of loaded) this.texts.set(b.id, b);
  }

  /** The batch's text cut into segments for `profile`, with this message's concatenation reference. */
  segments(batch: BatchText, profile: TextProfile, reference: number): Segment[] {
    const template = this.cut(`${batch.id}:${profile}`, () =>
      segmentText(batch.signature + batch.content, profile, 0),
    );
    return template.map((s) => {
      if (!s.udh) return s;
      const udh = Uint8Array.from(s.udh);
      udh[3] = reference;
      return { ...s, udh };
    });
  }

  /** The batch's text as one whole message, for gateways that cut it themselves. */
  whole(batch: BatchText, profile: TextProfile): Segment[] {
    return this.cut(`${batch.id}:${profile}:whole`, () => [
      wholeText(batch.signature + batch.content, profile),
    ]);
  }

  private cut(key: string, make: () => Segment[]): Segment[] {
    let cached = this.cuts.get(key);
    if (!cached) {
      if (this.cuts.size >= CACHE_LIMIT) this.cuts.clear();
      cached = make();
      this.cuts.set(key, cached);
    }
    return cached;
  }
}
