/**
 * PDUs the carrier owes the platform (status reports and uplink messages) until the platform
 * acknowledges them. An item goes out on the link it belongs to (the one that submitted the
 * segment) or, when that link is gone, on any bound link of the account; with no link bound it
 * waits. An item written on a link that closes before the answer goes out again on another bound
 * link, or when a link binds next (CMPP §7: an unanswered request is sent again; a report is never
 * dropped, the SP waits up to 48 h for it — protocols docs/protocols.md §1.7).
 *
 * States of an item: held (no link) → in flight on link L → acknowledged (removed).
 * Unbinding L puts its items back to held and dispatches them again.
 */

export type OutboundKind = 'report' | 'mo';

export interface OutboundItem<P> {
  readonly id: number;
  readonly kind: OutboundKind;
  readonly payload: P;
  /** The link this item belongs to, preferred when it is bound. */
  readonly origin: number | null;
  /** The link it is in flight on, or null while held. */
  on: number | null;
}

/** A bound connection able to carry items; it calls `ack` or `nack` when the answer comes. */
export interface OutboundLink<P> {
  readonly id: number;
  write(item: OutboundItem<P>): void;
}

export interface OutboundCounters {
  sent(kind: OutboundKind): void;
  acked(kind: OutboundKind): void;
}

/** Runs `fn` later: how a refused item is offered again when no link binds meanwhile. */
export type Later = (fn: () => void) => void;

export class Outbound<P> {
  private readonly links = new Map<number, OutboundLink<P>>();
  /** Unacknowledged items in the order they were queued. */
  private readonly items = new Map<number, OutboundItem<P>>();
  private readonly counts: Record<OutboundKind, number> = { report: 0, mo: 0 };
  private nextId = 1;
  private rotation = 0;

  constructor(
    private readonly counters: OutboundCounters,
    private readonly later?: Later,
  ) {}

  pending(kind?: OutboundKind): number {
    return kind === undefined ? this.items.size : this.counts[kind];
  }

  /**
   * Queues items and sends them now if a link is bound. Items queued together (the segments of one
   * uplink message) go out on the same link.
   */
  enqueue(kind: OutboundKind, payloads: readonly P[], origin: number | null): OutboundItem<P>[] {
    const fallback = this.anyLink();
    return payloads.map((payload) => {
      const item: OutboundItem<P> = { id: this.nextId++, kind, payload, origin, on: null };
      this.items.set(item.id, item);
      this.counts[kind]++;
      this.dispatch(item, fallback);
      return item;
    });
  }

  /** A link finished logging in: it takes its own held items and everyone's orphans. */
  bind(link: OutboundLink<P>): void {
    this.links.set(link.id, link);
    for (const item of this.items.values()) if (item.on === null) this.dispatch(item, link);
  }

  /** A link is gone: what it carried without an answer goes out elsewhere or waits. */
  unbind(linkId: number): void {
    if (!this.links.delete(linkId)) return;
    const fallback = this.anyLink();
    for (const item of this.items.values()) {
      if (item.on !== linkId) continue;
      item.on = null;
      this.dispatch(item, fallback);
    }
  }

  /** The platform took the item. False when it was not outstanding on that link. */
  ack(itemId: number, linkId: number): boolean {
    const item = this.items.get(itemId);
    if (item?.on !== linkId) return false;
    this.remove(item);
    this.counters.acked(item.kind);
    return true;
  }

  /**
   * The platform answered with an error: the item waits for the next bind, or until `later` runs,
   * instead of going straight back, so a platform that keeps refusing does not spin the simulator
   * and one that failed once (a database hiccup) still gets its report, as from a real carrier.
   */
  nack(itemId: number, linkId: number): void {
    const item = this.items.get(itemId);
    if (item?.on !== linkId) return;
    item.on = null;
    this.later?.(() => {
      if (this.items.get(item.id) === item && item.on === null) this.dispatch(item, this.anyLink());
    });
  }

  /** Gives up on an item that cannot be written (the link's logger says why). */
  drop(itemId: number): void {
    const item = this.items.get(itemId);
    if (item) this.remove(item);
  }

  clear(): void {
    this.items.clear();
    this.counts.report = 0;
    this.counts.mo = 0;
  }

  private remove(item: OutboundItem<P>): void {
    this.items.delete(item.id);
    this.counts[item.kind]--;
  }

  private dispatch(item: OutboundItem<P>, fallback: OutboundLink<P> | undefined): void {
    const link = (item.origin === null ? undefined : this.links.get(item.origin)) ?? fallback;
    if (!link) return;
    item.on = link.id;
    this.counters.sent(item.kind);
    link.write(item);
  }

  /** Spreads work without a link of its own over the bound links in turn. */
  private anyLink(): OutboundLink<P> | undefined {
    if (this.links.size === 0) return undefined;
    const index = this.rotation++ % this.links.size;
    let i = 0;
    for (const link of this.links.values()) if (i++ === index) return link;
    return undefined;
  }
}
