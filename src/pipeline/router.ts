/**
 * Which gateway carries a number: by the number's carrier (prefix data, src/domain/data), among the
 * gateways configured for that carrier, by weight among those with room, skipping links that keep
 * refusing (route-selection.ts). Admission asks it how a number's text will be counted.
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
  private readonly local = new Map<Carrier, Gateway[]>();
  private readonly remote = new Map<Carrier, Gateway[]>();
  private readonly byGatewayId = new Map<string, Gateway>();
  private readonly selector: WeightedSelector;
  private readonly everythingRemote: boolean;

  constructor(
    readonly gateways: readonly Gateway[],
    now: () => number = Date.now,
    private readonly federation: FederationSettings | null = null,
  ) {
    this.selector = new WeightedSelector(now);
    for (const g of gateways) {
      this.byGatewayId.set(g.config.id, g);
      const table = g.config.protocol === 'ministry' ? this.remote : this.local;
      for (const c of g.config.carriers) {
        const list = table.get(c) ?? [];
        list.push(g);
        table.set(c, list);
      }
    }
    this.everythingRemote = gateways.some((g) => g.config.ministry?.scope === 'all');
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

  /** Carriers that some carrier link that is bound serves now. */
  linkedCarriers(): Carrier[] {
    return linked(this.local);
  }

  /** What the claim may take now: carriers with a bound link, per route (store/outbox.ts). */
  claimRouting(): ClaimRouting {
    const local = this.everythingRemote ? [] : linked(this.local);
    if (this.remote.size === 0) return { local, remote: null };
    return {
      local,
      remote: {
        carriers: linked(this.remote),
        province: this.everythingRemote ? null : (this.federation?.province ?? ''),
        unknownRemote: this.federation?.unknownHome === 'ministry',
      },
    };
  }

  /** The gateway to use now for this carrier and route, or null when all are full or down. */
  pick(carrier: Carrier, remote = false): Gateway | null {
    const list = (remote ? this.remote : this.local).get(carrier);
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

function linked(table: Map<Carrier, Gateway[]>): Carrier[] {
  return [...table].filter(([, list]) => list.some((g) => g.status().bound > 0)).map(([c]) => c);
}
