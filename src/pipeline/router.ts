/**
 * Which gateway carries a number: by the number's carrier (prefix data, src/domain/data), among the
 * gateways configured for that carrier, by weight among those with room, skipping links that keep
 * refusing (route-selection.ts). Admission asks it how a number's text will be counted.
 */
import type { Carrier } from '../domain/carrier.js';
import type { TextProfile } from '../domain/text/types.js';
import type { Gateway, SubmitOutcome } from '../protocols/gateway.js';
import { WeightedSelector } from './route-selection.js';

export class Router {
  private readonly byCarrier = new Map<Carrier, Gateway[]>();
  private readonly byGatewayId = new Map<string, Gateway>();
  private readonly selector: WeightedSelector;

  constructor(
    readonly gateways: readonly Gateway[],
    now: () => number = Date.now,
  ) {
    this.selector = new WeightedSelector(now);
    for (const g of gateways) {
      this.byGatewayId.set(g.config.id, g);
      for (const c of g.config.carriers) {
        const list = this.byCarrier.get(c) ?? [];
        list.push(g);
        this.byCarrier.set(c, list);
      }
    }
  }

  /**
   * How text to this carrier may be counted: one profile per distinct route. Admission charges the
   * most segments any of them takes; a cheaper route refunds the difference when it sends.
   */
  profilesFor(carrier: Carrier): TextProfile[] {
    return [...new Set((this.byCarrier.get(carrier) ?? []).map((g) => g.textProfile))];
  }

  /** Carriers that some gateway with a bound link serves now. */
  linkedCarriers(): Carrier[] {
    return [...this.byCarrier].filter(([, list]) => list.some((g) => g.status().bound > 0)).map(([c]) => c);
  }

  /** The gateway to use now for this carrier, or null when all are full or down. */
  pick(carrier: Carrier): Gateway | null {
    const list = this.byCarrier.get(carrier);
    if (!list) return null;
    const id = this.selector.pick(
      list.map((g) => ({ id: g.config.id, weight: g.config.weight, room: g.capacity() })),
    );
    return id === null ? null : (this.byGatewayId.get(id) ?? null);
  }

  /** What a gateway answered, for its health (a link that keeps refusing cools down). */
  record(gatewayId: string, outcome: SubmitOutcome['kind']): void {
    this.selector.record(gatewayId, outcome);
  }

  byId(id: string): Gateway | undefined {
    return this.byGatewayId.get(id);
  }
}
