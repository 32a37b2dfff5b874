/**
 * What the four carrier gateways (CMPP, SGIP, SMGP, SMPP; gateway.ts contract) share: a pool of
 * `config.connections` connections behind one submit queue (submit-queue.ts), the gateway's phase
 * and its state as the most advanced connection's, counters, the last error, an orderly close, and
 * handing a report or uplink to the platform's handler. A protocol's gateway says how it opens its
 * connections and writes a submit, and answers its carrier's DELIVER in its own codes.
 */
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import type {
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayState,
  GatewayStatus,
  SubmitOutcome,
  SubmitPart,
} from '../gateway.js';
import type { TextProfile } from '../../domain/text/types.js';
import { systemClock, type Clock } from './clock.js';
import { newGatewayCounters, SubmitQueue, type QueueCodes, type QueueLink } from './submit-queue.js';

/** A connection as the pool sees it. */
export interface PooledConnection extends QueueLink {
  readonly state: GatewayState;
  readonly inFlight: number;
  start(): void;
  /** Unbinds, waiting at most `drainMs` for answers in flight. */
  close(drainMs: number): Promise<void>;
}

/** One queue item and the indexes of the parts it carries (one, or several in an SMPP message_payload). */
export interface SubmitJob<I> {
  item: I;
  parts: readonly number[];
}

/** One job per part, for protocols that submit part by part. */
export function jobPerPart(parts: readonly SubmitPart[]): SubmitJob<SubmitPart>[] {
  return parts.map((part, i) => ({ item: part, parts: [i] }));
}

/** The events every protocol's connections raise towards the pool. */
export interface PoolEvents {
  stateChanged(): void;
  /** A window slot may have opened (bound, or an answer arrived). */
  slotFreed(): void;
  problem(kind: string, message: string): void;
  reconnecting(): void;
  authWarning(message: string): void;
}

export interface PooledGatewayOptions {
  /** Shown in logs: CMPP, SGIP, SMGP, SMPP. */
  name: string;
  /** The logger's `protocol` field (cmpp2, cmpp3, sgip, …). */
  protocol: string;
  logger: Logger;
  clock?: Clock | undefined;
  /** Connection states from the most to the least advanced; the gateway shows the first one held. */
  stateRank: readonly GatewayState[];
  /** The protocol's own result codes for outcomes the queue decides. */
  codes: QueueCodes;
}

export abstract class PooledGateway<C extends PooledConnection, I> implements Gateway {
  abstract readonly textProfile: TextProfile;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  protected readonly connections: C[] = [];
  protected readonly counters = newGatewayCounters();
  protected readonly queue: SubmitQueue<C, I>;
  protected handlers: GatewayHandlers | null = null;
  private phase: 'idle' | 'running' | 'closing' | 'closed' = 'idle';
  private closing: Promise<void> | null = null;
  private lastError: string | null = null;
  private warning: string | null = null;
  private lastState = '';
  private readonly name: string;
  private readonly stateRank: readonly GatewayState[];

  constructor(
    readonly config: GatewayConfig,
    options: PooledGatewayOptions,
  ) {
    this.name = options.name;
    this.stateRank = options.stateRank;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger.child({ gateway: config.id, protocol: options.protocol });
    this.queue = new SubmitQueue<C, I>({
      codes: options.codes,
      write: (c, item) => this.write(c, item),
      starved: () => this.starved(),
      clock: this.clock,
      log: this.log,
      config,
      counters: this.counters,
      links: () => this.connections,
      anyUsable: () => this.connections.some((c) => this.canSubmit(c)),
      limit: () => this.connections.length * this.windowSize(),
    });
  }

  /** The protocol's connections, raising `events` (plus their own DELIVER event) towards this gateway. */
  protected abstract openConnections(events: PoolEvents): C[];

  /**
   * Writes one queue item on a connection with a free slot and gives its answer's outcome; null if
   * the connection had no slot after all. Throws when the item cannot be encoded (it is rejected).
   */
  protected abstract write(c: C, item: I): Promise<SubmitOutcome> | null;

  /** No connection had a slot for the next item. */
  protected starved(): void {}

  /** Whether a connection may carry submits now. */
  protected canSubmit(c: C): boolean {
    return c.state === 'bound';
  }

  /** Connections counted as bound in the status. */
  protected boundCount(): number {
    return this.connections.filter((c) => c.state === 'bound').length;
  }

  protected windowSize(): number {
    return this.config.window;
  }

  /** Also started with the connections (SGIP: its listener). */
  protected startMore(): void {}

  /** Also closed with the connections. */
  protected async closeMore(_drainMs: number): Promise<void> {}

  start(handlers: GatewayHandlers): void {
    if (this.phase !== 'idle') return;
    this.handlers = handlers;
    this.phase = 'running';
    this.queue.open();
    this.connections.push(
      ...this.openConnections({
        stateChanged: () => this.stateChanged(),
        slotFreed: () => this.queue.pump(),
        problem: (kind, message) => this.problem(kind, message),
        reconnecting: () => this.counters.reconnects++,
        authWarning: (message) => {
          this.warning = message;
        },
      }),
    );
    this.startMore();
    for (const c of this.connections) c.start();
  }

  /** Started and not closing. */
  protected get running(): boolean {
    return this.phase === 'running';
  }

  /** Free window slots on usable connections, plus a window of queue (submit-queue.ts `room`); 0 while none. */
  capacity(): number {
    if (!this.running) return 0;
    const usable = this.connections.filter((c) => this.canSubmit(c));
    if (usable.length === 0) return 0;
    return this.queue.room(
      usable.reduce((n, c) => n + c.free, 0),
      this.windowSize(),
    );
  }

  async submit(parts: readonly SubmitPart[], recorded?: Promise<unknown>): Promise<SubmitOutcome[]> {
    const outcomes: SubmitOutcome[] = [];
    await Promise.all(
      this.jobsOf(parts).map(async (job) => {
        const writeBy = Math.min(...job.parts.map((i) => parts[i]?.writeBy ?? Number.POSITIVE_INFINITY));
        const outcome = await this.queue.enqueue(job.item, job.parts.length, writeBy, recorded);
        for (const i of job.parts) outcomes[i] = outcome;
      }),
    );
    return outcomes;
  }

  /** The queue items of a submit, each with the indexes of the parts it carries. */
  protected abstract jobsOf(parts: readonly SubmitPart[]): SubmitJob<I>[];

  status(): GatewayStatus {
    return {
      id: this.config.id,
      protocol: this.config.protocol,
      state: this.gatewayState(),
      bound: this.boundCount(),
      inFlight: this.connections.reduce((n, c) => n + c.inFlight, 0),
      queued: this.queue.length,
      window: this.windowSize(),
      tps: this.config.tps,
      counters: { ...this.counters },
      lastError: this.lastError,
      warning: this.warning,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
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
    await Promise.all([...this.connections.map((c) => c.close(drain)), this.closeMore(drain)]);
    await this.queue.settled();
    this.phase = 'closed';
    this.stateChanged();
    this.log.info(this.counters, `${this.name} 网关已关闭 gateway closed`);
  }

  /**
   * Hands a report or uplink to the platform's handler and gives the code to answer the carrier:
   * `ok` once it is stored, `failed` when the handler failed (the carrier delivers it again).
   */
  protected handOver(
    kind: 'report' | 'uplink',
    handle: (handlers: GatewayHandlers) => Promise<void>,
    codes: { ok: number; failed: number },
  ): Promise<number> {
    const handlers = this.handlers;
    if (!handlers) return Promise.resolve(codes.failed);
    if (kind === 'report') this.counters.reports++;
    else this.counters.uplinks++;
    let handled: Promise<void>;
    try {
      handled = handle(handlers);
    } catch (err) {
      // A handler that throws synchronously counts as one that rejected.
      handled = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const result = handled.then(
      () => codes.ok,
      (err: unknown) => {
        this.counters.errors++;
        this.log.error({ err, answer: codes.failed }, '报告或上行处理失败 report or uplink handler failed');
        return codes.failed;
      },
    );
    this.queue.track(result);
    return result;
  }

  protected problem(kind: string, message: string): void {
    this.counters.errors++;
    this.lastError = kind === 'auth' ? new AppError('ERR_GATEWAY_AUTH', message).message : message;
    if (kind === 'auth')
      this.log.error({ code: 'ERR_GATEWAY_AUTH' }, `网关认证失败 gateway authentication failed: ${message}`);
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
        const best = this.stateRank.find((s) => this.connections.some((c) => c.state === s)) ?? 'closed';
        // Between attempts every connection is closed, yet the gateway is still trying.
        return best === 'closed' ? 'connecting' : best;
      }
    }
  }

  protected stateChanged(): void {
    const status = this.status();
    // Tell the platform when the state or the number of bound links changes, not on every hop.
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
