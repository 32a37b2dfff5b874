/**
 * The SGIP 1.2 gateway, SP side (gateway.ts contract; SGIP 1.2 §3.1, §3.7.2; README §2):
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
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type {
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayState,
  GatewayStatus,
  SgipOptions,
  SubmitOutcome,
  SubmitPart,
} from '../gateway.js';
import { systemClock, type Clock } from '../session/clock.js';
import { newGatewayCounters, SubmitQueue } from '../session/submit-queue.js';
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

class SgipGateway implements Gateway {
  readonly textProfile = 'cn' as const;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sequencer: SgipSequencer;
  private readonly connections: SgipConnection[] = [];
  private readonly listener: SgipListener;
  private readonly inbound: Inbound;
  private readonly queue: SubmitQueue<SgipConnection, SubmitPart>;
  private handlers: GatewayHandlers | null = null;
  private phase: 'idle' | 'running' | 'closing' | 'closed' = 'idle';
  private closing: Promise<void> | null = null;
  private lastError: string | null = null;
  private lastState = '';
  private readonly counters = newGatewayCounters();

  constructor(
    readonly config: GatewayConfig & { sgip: SgipOptions },
    private readonly deps: SgipGatewayDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger.child({ gateway: config.id, protocol: 'sgip' });
    this.queue = new SubmitQueue({
      clock: this.clock,
      log: this.log,
      config,
      codes: LOCAL_CODES,
      counters: this.counters,
      links: () => this.connections,
      anyUsable: () => this.connections.some((c) => c.state === 'bound'),
      write: (connection, part) => {
        const submitted = connection.submit(submitBodyOf(part, config));
        return submitted?.answer.then((result) => outcomeOfAnswer(result, submitted.sequence)) ?? null;
      },
      starved: () => this.wakeIdle(),
    });
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
    });
  }

  start(handlers: GatewayHandlers): void {
    if (this.phase !== 'idle') return;
    this.handlers = handlers;
    this.phase = 'running';
    this.queue.open();
    const events = {
      stateChanged: () => this.stateChanged(),
      slotFreed: () => this.queue.pump(),
      inbound: this.inbound,
      problem: (kind: ProblemKind, message: string) => this.problem(kind, message),
      reconnecting: () => this.counters.reconnects++,
    };
    for (let i = 0; i < Math.max(1, this.config.connections); i++) {
      this.connections.push(
        new SgipConnection(i, {
          config: this.config,
          clock: this.clock,
          logger: this.log,
          random: this.deps.random ?? Math.random,
          sequencer: this.sequencer,
          events,
        }),
      );
    }
    this.listener
      .start()
      .catch((err: unknown) => this.problem('listen', err instanceof Error ? err.message : String(err)));
    // Every connection binds once at start: that proves the credentials and makes the gateway ready.
    for (const c of this.connections) c.start();
  }

  /** Free slots of bound connections, a window per ready idle one, plus one window of queue. */
  capacity(): number {
    if (this.phase !== 'running') return 0;
    const ready = this.connections.filter((c) => c.ready);
    if (ready.length === 0) return 0;
    const free = ready.reduce((n, c) => n + (c.state === 'bound' ? c.free : c.windowSize), 0);
    return Math.max(0, free + this.windowSize() - this.queue.length);
  }

  submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    return Promise.all(parts.map((part) => this.queue.enqueue(part)));
  }

  status(): GatewayStatus {
    return {
      id: this.config.id,
      protocol: this.config.protocol,
      state: this.gatewayState(),
      bound: this.connections.filter((c) => c.ready).length,
      inFlight: this.connections.reduce((n, c) => n + c.inFlight, 0),
      queued: this.queue.length,
      window: this.windowSize(),
      tps: this.config.tps,
      counters: { ...this.counters },
      lastError: this.lastError,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private windowSize(): number {
    return this.connections[0]?.windowSize ?? this.config.window;
  }

  private async shutdown(): Promise<void> {
    if (this.phase === 'idle') {
      this.phase = 'closed';
      return;
    }
    this.phase = 'closing';
    this.queue.close();
    this.stateChanged();
    // Answers in flight end within requestTimeoutMs by their own timers; the drain is bounded by it.
    const drain = this.config.requestTimeoutMs;
    await Promise.all([...this.connections.map((c) => c.close(drain)), this.listener.close(drain)]);
    await this.queue.settled();
    this.phase = 'closed';
    this.stateChanged();
    this.log.info(this.counters, 'SGIP 网关已关闭 gateway closed');
  }

  /** Opens idle connections until the slots bound and binding ones will offer cover the queue. */
  private wakeIdle(): void {
    let need = this.queue.length - this.connections.reduce((n, c) => n + c.prospect, 0);
    for (const c of this.connections) {
      if (need <= 0) return;
      if (c.state !== 'idle') continue;
      c.wake();
      need -= c.windowSize;
    }
  }

  private problem(kind: ProblemKind | 'listen', message: string): void {
    this.counters.errors++;
    this.lastError = kind === 'auth' ? new AppError('ERR_GATEWAY_AUTH', message).message : message;
    if (kind === 'auth')
      this.log.error({ code: 'ERR_GATEWAY_AUTH' }, `网关认证失败 gateway authentication failed: ${message}`);
    if (kind === 'listen') this.log.error({ code: 'ERR_LISTEN' }, message);
  }

  private gatewayState(): GatewayState {
    switch (this.phase) {
      case 'idle':
        return 'idle';
      case 'closing':
        return 'unbinding';
      case 'closed':
        return 'closed';
      case 'running': {
        const best = STATE_RANK.find((s) => this.connections.some((c) => c.state === s)) ?? 'closed';
        // Between attempts every connection is closed, yet the gateway is still trying.
        return best === 'closed' ? 'connecting' : best;
      }
    }
  }

  private stateChanged(): void {
    const status = this.status();
    // Tell the platform when the state or the number of ready links changes, not on every hop.
    const key = `${status.state}:${status.bound}`;
    if (key === this.lastState) return;
    this.lastState = key;
    try {
      this.handlers?.state?.(status);
    } catch (err) {
      this.log.error({ err }, '状态回调失败 state handler failed');
    }
  }
}
