/**
 * Which gateway carries a number: by the number's carrier (prefix data, src/domain/data), among the
 * gateways configured for that carrier, by weight among those with room, skipping links that keep
 * refusing (route-selection.ts) and links an operator paused. Admission asks it how a number's text
 * will be counted. The set of gateways changes while the platform runs (gateway-control.ts).
 *
 * Federation (docs/federation.md, standard §5.2 b): on a province platform with a ministry link,
 * numbers whose home province is another province's — or every number, with `scope: all` — take
 * the ministry link; the rest take the carrier links. A number of unknown home province stays
 * local unless `federation.unknownHome: ministry`.
 */
import type { Carrier } from '../domain/carrier.js';
import type { TextProfile } from '../domain/text/types.js';
import type { Gateway, SubmitOutcome } from '../protocols/gateway.js';
import type { ClaimRouting } from '../store/outbox.js';
import { WeightedSelector } from './route-selection.js';

export interface FederationSettings {
  /** platform.province */
  province: string;
  unknownHome: 'local' | 'ministry';
  /** Home province code of a normalised number, or null when the segment data has none. */
  homeOf(mobile: string): string | null;
}

export class Router {
  private list: Gateway[] = [];
  private local = new Map<Carrier, Gateway[]>();
  private remote = new Map<Carrier, Gateway[]>();
  private everythingRemote = false;
  private readonly byGatewayId = new Map<string, Gateway>();
  private readonly paused = new Set<string>();
  private readonly selector: WeightedSelector;

  constructor(
    gateways: readonly Gateway[],
    now: () => number = Date.now,
    private readonly federation: FederationSettings | null = null,
  ) {
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
    const local = new Map<Carrier, Gateway[]>();
    const remote = new Map<Carrier, Gateway[]>();
    for (const g of this.list) {
      const table = g.config.protocol === 'ministry' ? remote : local;
      for (const c of g.config.carriers) table.set(c, [...(table.get(c) ?? []), g]);
    }
    this.local = local;
    this.remote = remote;
    this.everythingRemote = this.list.some((g) => g.config.ministry?.scope === 'all');
  }

  /** Home province code stored with a message ('' = unknown, or no segment data). */
  homeOf(mobile: string): string {
    return this.federation?.homeOf(mobile) ?? '';
  }

  /** Whether a message to a number of this home province takes the ministry link. */
  isRemote(home: string): boolean {
    if (this.remote.size === 0) return false;
    if (this.everythingRemote) return true;
    if (home === '') return this.federation?.unknownHome === 'ministry';
    return home !== this.federation?.province;
  }

  /**
   * How text to this carrier may be counted: one profile per distinct route. Admission charges the
   * most segments any of them takes; a cheaper route refunds the difference when it sends.
   */
  profilesFor(carrier: Carrier): TextProfile[] {
    const all = [...(this.local.get(carrier) ?? []), ...(this.remote.get(carrier) ?? [])];
    return [...new Set(all.map((g) => g.textProfile))];
  }

  /** Carriers that some unpaused carrier link with a bound connection serves now. */
  linkedCarriers(): Carrier[] {
    return this.linked(this.local);
  }

  /** What the claim may take now: carriers with a bound, unpaused link, per route (store/outbox.ts). */
  claimRouting(): ClaimRouting {
    const local = this.everythingRemote ? [] : this.linked(this.local);
    if (this.remote.size === 0) return { local, remote: null };
    return {
      local,
      remote: {
        carriers: this.linked(this.remote),
        province: this.everythingRemote ? null : (this.federation?.province ?? ''),
        unknownRemote: this.federation?.unknownHome === 'ministry',
      },
    };
  }

  /** The gateway to use now for this carrier and route, or null when all are full, down or paused. */
  pick(carrier: Carrier, remote = false): Gateway | null {
    const list = (remote ? this.remote : this.local).get(carrier);
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

  private linked(table: Map<Carrier, Gateway[]>): Carrier[] {
    return [...table]
      .filter(([, list]) => list.some((g) => !this.paused.has(g.config.id) && g.status().bound > 0))
      .map(([c]) => c);
  }
}
