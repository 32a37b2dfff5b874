/**
 * Which gateway carries a number: by the number's carrier (prefix data, src/domain/data), among the
 * gateways configured for that carrier, by weight among those with room, skipping links that keep
 * refusing (route-selection.ts) and links an operator paused. Admission asks it how a number's text
 * will be counted. The set of gateways changes while the platform runs (gateway-control.ts).
 */
import type { Carrier } from '../domain/carrier.js';
import type { TextProfile } from '../domain/text/types.js';
import type { Gateway, SubmitOutcome } from '../protocols/gateway.js';
import { WeightedSelector } from './route-selection.js';

export class Router {
  private list: Gateway[] = [];
  private byCarrier = new Map<Carrier, Gateway[]>();
  private readonly byGatewayId = new Map<string, Gateway>();
  private readonly paused = new Set<string>();
  private readonly selector: WeightedSelector;

  constructor(gateways: readonly Gateway[], now: () => number = Date.now) {
    this.selector = new WeightedSelector(now);
    for (const g of gateways) this.add(g);
  }

  /** The gateways in service now (paused ones included), in the order they were added. */
  get gateways(): readonly Gateway[] {
    return this.list;
  }

  /** Puts a gateway in service, in place of one with the same id. */
  add(gateway: Gateway): void {
    const id = gateway.config.id;
    this.list = [...this.list.filter((g) => g.config.id !== id), gateway];
    this.byGatewayId.set(id, gateway);
    this.index();
  }

  /** Takes a gateway out of service (the caller closes it). */
  remove(id: string): Gateway | undefined {
    const gateway = this.byGatewayId.get(id);
    if (!gateway) return undefined;
    this.byGatewayId.delete(id);
    this.list = this.list.filter((g) => g !== gateway);
    this.index();
    return gateway;
  }

  /** A paused gateway keeps its links bound but is given nothing new; its messages wait queued. */
  setPaused(id: string, paused: boolean): void {
    if (paused) this.paused.add(id);
    else this.paused.delete(id);
  }

  isPaused(id: string): boolean {
    return this.paused.has(id);
  }

  private index(): void {
    const byCarrier = new Map<Carrier, Gateway[]>();
    for (const g of this.list)
      for (const c of g.config.carriers) byCarrier.set(c, [...(byCarrier.get(c) ?? []), g]);
    this.byCarrier = byCarrier;
  }

  /**
   * How text to this carrier may be counted: one profile per distinct route. Admission charges the
   * most segments any of them takes; a cheaper route refunds the difference when it sends.
   */
  profilesFor(carrier: Carrier): TextProfile[] {
    return [...new Set((this.byCarrier.get(carrier) ?? []).map((g) => g.textProfile))];
  }

  /** Carriers that some unpaused gateway with a bound link serves now. */
  linkedCarriers(): Carrier[] {
    return [...this.byCarrier]
      .filter(([, list]) => list.some((g) => !this.paused.has(g.config.id) && g.status().bound > 0))
      .map(([c]) => c);
  }

  /** The gateway to use now for this carrier, or null when all are full, down or paused. */
  pick(carrier: Carrier): Gateway | null {
    const list = this.byCarrier.get(carrier);
    if (!list) return null;
    const id = this.selector.pick(
      list.map((g) => ({
        id: g.config.id,
        weight: g.config.weight,
        room: this.paused.has(g.config.id) ? 0 : g.capacity(),
      })),
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
