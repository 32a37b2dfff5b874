/**
 * Which gateway carries a number: by the number's carrier (data, src/domain/data), among the
 * gateways configured for that carrier, the one with the most room now. Admission asks it how a
 * number's text will be counted (the route's text profile).
 */
import type { Carrier } from '../domain/carrier.js';
import type { TextProfile } from '../domain/text/types.js';
import type { Gateway } from '../protocols/gateway.js';

export class Router {
  private readonly byCarrier = new Map<Carrier, Gateway[]>();

  constructor(readonly gateways: readonly Gateway[]) {
    for (const g of gateways) {
      for (const c of g.config.carriers) {
        const list = this.byCarrier.get(c) ?? [];
        list.push(g);
        this.byCarrier.set(c, list);
      }
    }
  }

  /** How the text is counted on this carrier's primary route; null when nothing serves it. */
  profileFor(carrier: Carrier): TextProfile | null {
    return this.byCarrier.get(carrier)?.[0]?.textProfile ?? null;
  }

  carriers(): Carrier[] {
    return [...this.byCarrier.keys()];
  }

  /** Carriers that some gateway with a bound link serves now. */
  linkedCarriers(): Carrier[] {
    return [...this.byCarrier].filter(([, list]) => list.some((g) => g.status().bound > 0)).map(([c]) => c);
  }

  /** The gateway with the most room for this carrier, or null when all are full or down. */
  pick(carrier: Carrier): Gateway | null {
    let best: Gateway | null = null;
    let bestRoom = 0;
    for (const g of this.byCarrier.get(carrier) ?? []) {
      const room = g.capacity();
      if (room > bestRoom) {
        best = g;
        bestRoom = room;
      }
    }
    return best;
  }

  byId(id: string): Gateway | undefined {
    return this.gateways.find((g) => g.config.id === id);
  }
}
