/**
 * The SGIP 1.2 gateway, SP side (gateway.ts contract; SGIP 1.2 §3.1, §3.7.2; docs/protocols.md §2):
 * `config.connections` short SP → SMG connections (connection.ts) under one TPS limit with a short
 * queue in front of their windows, and the platform's own listener (listener.ts) where the SMG
 * binds with Login Type 2 to deliver uplinks and status reports.
 *
 * A part waits in the queue until a bound connection has a free window slot and the token bucket a
 * token; then it is written as one SGIP_SUBMIT and its answer becomes its outcome
 * (client-mapping.ts). A waiting part wakes an idle connection, which binds again. A part still
 * queued after `requestTimeoutMs` is answered `retry` without having been written. `submit` never
 * rejects.
 *
 * Short connections and the router: the router offers a carrier's numbers only to gateways with
 * `status().bound > 0`, yet an idle SGIP gateway has no socket. So `bound` counts connections that
 * are bound *or* healthy and able to bind on demand (their last bind succeeded and nothing failed
 * since), and `capacity()` counts a full window for each of them.
 */
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import type { Gateway, GatewayConfig, SgipOptions, SubmitOutcome, SubmitPart } from '../gateway.js';
import type { Clock } from '../session/clock.js';
import { jobPerPart, PooledGateway, type PoolEvents, type SubmitJob } from '../session/pooled-gateway.js';
import { LOCAL_CODES, outcomeOfAnswer, submitBodyOf } from './client-mapping.js';
import { SgipConnection, type ConnectionState, type ProblemKind } from './connection.js';
import { Inbound } from './inbound.js';
import { SgipListener } from './listener.js';
import { SgipSequencer } from './sequence.js';

export interface SgipGatewayDeps {
  logger: Logger;
  clock?: Clock;
  /** Jitter for reconnect backoff, and where the sequence counter starts. */
  random?: () => number;
}

/** The gateway state shown for its connections: the most advanced one wins. */
const STATE_RANK: readonly ConnectionState[] = [
  'bound',
  'binding',
  'connecting',
  'unbinding',
  'idle',
  'closed',
];

export function createSgipGateway(config: GatewayConfig, deps: SgipGatewayDeps): Gateway {
  if (config.protocol !== 'sgip')
    throw new AppError(
      'ERR_CONFIG_INVALID',
      `gateways[${config.id}].protocol ${config.protocol} is not SGIP`,
    );
  const { sgip } = config;
  if (!sgip) throw new AppError('ERR_CONFIG_INVALID', `gateways[${config.id}].sgip is required for SGIP`);
  return new SgipGateway({ ...config, sgip }, deps);
}

class SgipGateway extends PooledGateway<SgipConnection, SubmitPart> {
  readonly textProfile = 'cn' as const;
  private readonly sequencer: SgipSequencer;
  private readonly listener: SgipListener;
  private readonly inbound: Inbound;
  private lenientLogged = false;

  constructor(
    private readonly sgipConfig: GatewayConfig & { sgip: SgipOptions },
    private readonly deps: SgipGatewayDeps,
  ) {
    super(sgipConfig, {
      name: 'SGIP',
      protocol: 'sgip',
      logger: deps.logger,
      clock: deps.clock,
      stateRank: STATE_RANK,
      codes: LOCAL_CODES,
    });
    const config = sgipConfig;
    const random = deps.random ?? Math.random;
    this.sequencer = new SgipSequencer(config.sgip.nodeId, this.clock, Math.floor(random() * 2 ** 32));
    this.inbound = new Inbound({
      gatewayId: config.id,
      clock: this.clock,
      logger: this.log,
      counters: this.counters,
      handlers: () => this.handlers,
      track: (p) => this.queue.track(p),
    });
    this.listener = new SgipListener({
      options: config.sgip,
      requestTimeoutMs: config.requestTimeoutMs,
      clock: this.clock,
      logger: this.log.child({ side: 'listener' }),
      sequencer: this.sequencer,
      inbound: this.inbound,
      problem: (message) => this.problem('auth', message),
      lenient: (command, ignored) => this.lenient(command, ignored),
    });
  }

  /**
   * An SMG that pads a bodiless response does it on every unbind: tolerated, not an error, and
   * logged once per gateway (docs/protocols.md §9 item 13).
   */
  private lenient(command: string, ignored: number): void {
    if (this.lenientLogged) return;
    this.lenientLogged = true;
    this.log.warn(
      { command, ignored },
      `SMG 的 ${command} 带有多余的 ${ignored} 字节，已忽略（仅记录一次） trailing octets on a bodiless response ignored (logged once)`,
    );
  }

  protected openConnections(events: PoolEvents): SgipConnection[] {
    const all = {
      ...events,
      inbound: this.inbound,
      lenient: (command: string, ignored: number) => this.lenient(command, ignored),
    };
    return Array.from(
      { length: Math.max(1, this.config.connections) },
      (_, i) =>
        new SgipConnection(i, {
          config: this.sgipConfig,
          clock: this.clock,
          logger: this.log,
          random: this.deps.random ?? Math.random,
          sequencer: this.sequencer,
          events: all,
        }),
    );
  }

  /** Every connection binds once at start (that proves the credentials); the SMG's links come to the listener. */
  protected override startMore(): void {
    this.listener
      .start()
      .catch((err: unknown) => this.problem('listen', err instanceof Error ? err.message : String(err)));
  }

  protected override closeMore(drainMs: number): Promise<void> {
    return this.listener.close(drainMs);
  }

  /** Free slots of bound connections, a window per ready idle one, plus a window of queue (`room`). */
  override capacity(): number {
    if (!this.running) return 0;
    const ready = this.connections.filter((c) => c.ready);
    if (ready.length === 0) return 0;
    return this.queue.room(
      ready.reduce((n, c) => n + (c.state === 'bound' ? c.free : c.windowSize), 0),
      this.windowSize(),
    );
  }

  /** Ready links: bound, or idle after a bind that proved the credentials (SGIP links close when idle). */
  protected override boundCount(): number {
    return this.connections.filter((c) => c.ready).length;
  }

  protected override windowSize(): number {
    return this.connections[0]?.windowSize ?? this.config.window;
  }

  protected jobsOf(parts: readonly SubmitPart[]): SubmitJob<SubmitPart>[] {
    return jobPerPart(parts);
  }

  protected write(connection: SgipConnection, part: SubmitPart): Promise<SubmitOutcome> | null {
    const submitted = connection.submit(submitBodyOf(part, this.sgipConfig));
    return submitted?.answer.then((result) => outcomeOfAnswer(result, submitted.sequence)) ?? null;
  }

  /** Opens idle connections until the slots bound and binding ones will offer cover the queue. */
  protected override starved(): void {
    let need = this.queue.length - this.connections.reduce((n, c) => n + c.prospect, 0);
    for (const c of this.connections) {
      if (need <= 0) return;
      if (c.state !== 'idle') continue;
      c.wake();
      need -= c.windowSize;
    }
  }

  protected override problem(kind: ProblemKind | 'listen', message: string): void {
    super.problem(kind, message);
    if (kind === 'listen') this.log.error({ code: 'ERR_LISTEN' }, message);
  }
}
