/**
 * The gateways in service, changed while the platform runs (docs/console.md "Gateways"). The
 * configuration file is the base; the rows of store/gateway-settings.ts lie over it: a pause, a new
 * rate or window, a link switched on or off, a link added from the console. Every change is
 * written first and then *reconciled*: what should run is computed from the file and the rows and
 * compared with what runs —
 *   - a link that should run and does not is built, started and put in the router;
 *   - a running link whose settings differ is taken out of the router, closed (answers in flight
 *     are awaited, bounded by its request timeout) and started again with the new settings;
 *   - a running link that should not run is taken out and closed;
 *   - a pause only tells the router to give the link nothing new: its connections stay bound.
 * The same reconcile runs every `pollMs`, so the other instances on the database follow within it.
 * Reconciles run one at a time.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { gateway as gatewaySchema } from '../config/schema-parts.js';
import type { Gateway, GatewayConfig, GatewayStatus } from '../protocols/gateway.js';
import type { DatabaseHandle } from '../store/connect.js';
import {
  changeGatewaySetting,
  deleteGatewaySetting,
  listGatewaySettings,
  type GatewaySetting,
} from '../store/gateway-settings.js';
import type { Router } from './router.js';

type GatewayDefinition = Config['gateways'][number];

export interface GatewayControlDeps {
  handle: DatabaseHandle;
  router: Router;
  configured: readonly GatewayDefinition[];
  factory(config: GatewayConfig, deps: { logger: Logger }): Gateway;
  /** Starts a gateway with the platform's report, uplink and state handlers. */
  start(gateway: Gateway): void;
  /** Seals and opens the secrets of a link added from the console. */
  seal(plain: string): string;
  open(sealed: string): string;
  logger: Logger;
  now: () => number;
  pollMs: number;
}

/** A link as the console shows it: settings, where they come from, and its live state. */
export interface GatewayView {
  id: string;
  origin: 'config' | 'console';
  protocol: GatewayDefinition['protocol'];
  host: string;
  port: number;
  carriers: GatewayDefinition['carriers'];
  spNumber: string;
  connections: number;
  window: number;
  tps: number;
  weight: number;
  enabled: boolean;
  paused: boolean;
  /** What the configuration file says, for links changed from the console. */
  configured: { window: number; tps: number; enabled: boolean } | null;
  changedBy: string | null;
  changedAt: number | null;
  live: GatewayStatus | null;
}

export type ControlResult =
  | { kind: 'ok' }
  | { kind: 'unknown' }
  | { kind: 'exists' }
  | { kind: 'configured' }
  | { kind: 'invalid'; message: string };

interface Desired {
  definition: GatewayDefinition;
  origin: 'config' | 'console';
  setting: GatewaySetting | undefined;
  enabled: boolean;
  paused: boolean;
  runConfig: GatewayConfig;
}

/** Secret fields of a definition, sealed at rest. */
function mapSecrets(d: GatewayDefinition, f: (s: string) => string): GatewayDefinition {
  return {
    ...d,
    secret: f(d.secret),
    ...(d.sgip && { sgip: { ...d.sgip, smgPassword: f(d.sgip.smgPassword) } }),
    ...(d.push && { push: { ...d.push, secret: f(d.push.secret) } }),
  };
}

function runConfigOf(d: GatewayDefinition, s: GatewaySetting | undefined): GatewayConfig {
  const { enabled: _enabled, url, tls, scope, pollMs, push, ...rest } = d;
  const tuned = { ...rest, tps: s?.tps ?? d.tps, window: s?.window ?? d.window };
  // The ministry link's own keys travel together (docs/federation.md).
  return rest.protocol === 'ministry' && url
    ? { ...tuned, ministry: { url, tls, scope, pollMs, push } }
    : tuned;
}

/** Checks a link to add the way the configuration file is checked; the message names the field. */
export function parseGatewayDefinition(
  input: unknown,
): { ok: true; definition: GatewayDefinition } | { ok: false; message: string } {
  const parsed = gatewaySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const d = parsed.data;
  if (d.protocol === 'sgip' && d.sgip === undefined)
    return {
      ok: false,
      message: 'sgip: SGIP 网关需要 sgip 设置 (nodeId, corpId, listenPort, smgLogin, smgPassword)',
    };
  if (d.reconnectMaxMs < d.reconnectMinMs)
    return { ok: false, message: 'reconnectMaxMs: 不能小于 reconnectMinMs' };
  return { ok: true, definition: d };
}

export class GatewayControl {
  private readonly running = new Map<string, { gateway: Gateway; signature: string }>();
  private settings: GatewaySetting[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Links taken out of service and still finishing their answers in flight. */
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly deps: GatewayControlDeps) {}

  /** Reads the rows and starts what should run. */
  async start(): Promise<void> {
    // A configured link that cannot be built stops start-up, as a bad configuration file does.
    await this.reconcile(true);
    this.timer = setInterval(() => {
      this.reconcile().catch((err: unknown) =>
        this.deps.logger.error({ err }, '网关设置同步失败 gateway settings sync failed'),
      );
    }, this.deps.pollMs);
    this.timer.unref();
  }

  list(): GatewayView[] {
    return this.desired().map((d) => {
      const running = this.running.get(d.definition.id);
      const changed = d.setting !== undefined;
      return {
        id: d.definition.id,
        origin: d.origin,
        protocol: d.definition.protocol,
        host: d.definition.host,
        port: d.definition.port,
        carriers: d.definition.carriers,
        spNumber: d.definition.spNumber,
        connections: d.definition.connections,
        window: d.runConfig.window,
        tps: d.runConfig.tps,
        weight: d.definition.weight,
        enabled: d.enabled,
        paused: d.paused,
        configured:
          d.origin === 'config' && changed
            ? { window: d.definition.window, tps: d.definition.tps, enabled: d.definition.enabled }
            : null,
        changedBy: d.setting?.updatedBy ?? null,
        changedAt: d.setting?.updatedAt ?? null,
        live: running?.gateway.status() ?? null,
      };
    });
  }

  has(id: string): boolean {
    return this.desired().some((d) => d.definition.id === id);
  }

  /** Pause, resume, switch on or off, or set the rate or window of a link. */
  async change(
    id: string,
    change: {
      paused?: boolean | undefined;
      enabled?: boolean | undefined;
      tps?: number | undefined;
      window?: number | undefined;
    },
    by: string,
  ): Promise<ControlResult> {
    await this.refresh();
    if (!this.has(id)) return { kind: 'unknown' };
    await changeGatewaySetting(
      this.deps.handle.db,
      id,
      {
        ...(change.paused !== undefined && { paused: change.paused }),
        ...(change.enabled !== undefined && { enabled: change.enabled }),
        ...(change.tps !== undefined && { tps: change.tps }),
        ...(change.window !== undefined && { window: change.window }),
      },
      by,
      this.deps.now(),
    );
    await this.reconcile();
    return { kind: 'ok' };
  }

  /** Adds a link that the configuration file does not have; it starts at once when enabled. */
  async add(input: unknown, by: string): Promise<ControlResult> {
    const parsed = parseGatewayDefinition(input);
    if (!parsed.ok) return { kind: 'invalid', message: parsed.message };
    await this.refresh();
    const id = parsed.definition.id;
    if (this.has(id) || this.settings.some((s) => s.id === id)) return { kind: 'exists' };
    const stored = JSON.stringify(mapSecrets(parsed.definition, (s) => this.deps.seal(s)));
    await changeGatewaySetting(this.deps.handle.db, id, { definition: stored }, by, this.deps.now());
    await this.reconcile();
    return { kind: 'ok' };
  }

  /** Removes a link added from the console (a configured one can only be switched off). */
  async remove(id: string): Promise<ControlResult> {
    await this.refresh();
    const d = this.desired().find((x) => x.definition.id === id);
    if (!d) return { kind: 'unknown' };
    if (d.origin === 'config') return { kind: 'configured' };
    await deleteGatewaySetting(this.deps.handle.db, id);
    await this.reconcile();
    return { kind: 'ok' };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    const all = [...this.running.values()].map((r) => r.gateway);
    this.running.clear();
    await Promise.allSettled([...all.map((g) => g.close()), ...this.closing]);
  }

  private async refresh(): Promise<void> {
    this.settings = await listGatewaySettings(this.deps.handle.db);
  }

  /** What should be in service: the file's links, then those added, with the rows laid over them. */
  private desired(): Desired[] {
    const byId = new Map(this.settings.map((s) => [s.id, s]));
    const out: Desired[] = [];
    const make = (definition: GatewayDefinition, origin: Desired['origin']): Desired => {
      const setting = byId.get(definition.id);
      return {
        definition,
        origin,
        setting,
        enabled: setting?.enabled ?? definition.enabled,
        paused: setting?.paused ?? false,
        runConfig: runConfigOf(definition, setting),
      };
    };
    const configuredIds = new Set(this.deps.configured.map((g) => g.id));
    for (const g of this.deps.configured) out.push(make(g, 'config'));
    for (const s of this.settings) {
      if (s.definition === null || configuredIds.has(s.id)) continue;
      try {
        const stored = JSON.parse(s.definition) as GatewayDefinition;
        const parsed = parseGatewayDefinition(mapSecrets(stored, (x) => this.deps.open(x)));
        if (parsed.ok) out.push(make(parsed.definition, 'console'));
        else
          this.deps.logger.error({ gateway: s.id, problem: parsed.message }, '网关设置无效 bad gateway row');
      } catch (err) {
        this.deps.logger.error({ err, gateway: s.id }, '网关设置无法读取 unreadable gateway row');
      }
    }
    return out;
  }

  private reconcile(strict = false): Promise<void> {
    const next = this.chain.then(() => this.reconcileNow(strict));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async reconcileNow(strict: boolean): Promise<void> {
    if (this.closed) return;
    await this.refresh();
    const { router, logger } = this.deps;
    const wanted = new Map<string, Desired>();
    for (const d of this.desired()) if (d.enabled) wanted.set(d.definition.id, d);

    for (const [id, r] of [...this.running]) {
      const d = wanted.get(id);
      if (d && JSON.stringify(d.runConfig) === r.signature) continue;
      router.remove(id);
      this.running.delete(id);
      logger.info(
        { gateway: id },
        d ? '网关按新设置重连 gateway restarts with new settings' : '网关停用 gateway disabled',
      );
      // The replacement starts now: waiting here for the old link's answers in flight (up to its
      // request timeout) would hold the console's call and every change queued behind it.
      const closing: Promise<void> = r.gateway.close().finally(() => this.closing.delete(closing));
      this.closing.add(closing);
    }
    for (const [id, d] of wanted) {
      router.setPaused(id, d.paused);
      if (this.running.has(id)) continue;
      let gateway: Gateway;
      try {
        gateway = this.deps.factory(d.runConfig, { logger });
      } catch (err) {
        if (strict) throw err;
        logger.error({ err, gateway: id }, '网关无法建立 gateway cannot be built');
        continue;
      }
      this.running.set(id, { gateway, signature: JSON.stringify(d.runConfig) });
      this.deps.start(gateway);
      router.add(gateway);
    }
  }
}
