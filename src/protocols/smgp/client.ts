/**
 * The SMGP 3.0 gateway, SP side (gateway.ts contract), shaped like the CMPP one: `config.connections`
 * connections (connection.ts), one TPS limit over all of them, and a short queue in front of the
 * windows.
 *
 * A part waits in the queue until some bound connection has a free window slot and the token
 * bucket a token; then it is written as one SMGP Submit and its answer becomes its outcome
 * (client-mapping.ts). A part still queued after `requestTimeoutMs` — no bound link, or windows and
 * rate saturated — is answered `retry` without having been written. `submit` never rejects.
 * LoginMode comes from `config.smgp` (default 2, send and receive).
 */
import type { Logger } from '../../log.js';
import { AppError } from '../../errors.js';
import type {
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayState,
  GatewayStatus,
  SubmitOutcome,
  SubmitPart,
} from '../gateway.js';
import { systemClock, type Clock } from '../session/clock.js';
import { newGatewayCounters, SubmitQueue } from '../session/submit-queue.js';
import {
  LOCAL_CODES,
  outcomeOfAnswer,
  reportOf,
  submitBodyOf,
  uplinkOf,
  type Deliver,
} from './client-mapping.js';
import { LOGIN_MODE, STATUS } from './codes.js';
import { SmgpConnection, type ConnectionState, type ProblemKind } from './connection.js';

export interface SmgpGatewayDeps {
  logger: Logger;
  clock?: Clock;
  /** Jitter source for reconnect backoff. */
  random?: () => number;
}

/** The gateway state shown for its connections: the most advanced one wins. */
const STATE_RANK: readonly ConnectionState[] = ['bound', 'binding', 'connecting', 'unbinding', 'closed'];

export function createSmgpGateway(config: GatewayConfig, deps: SmgpGatewayDeps): Gateway {
  if (config.protocol !== 'smgp') {
    throw new AppError(
      'ERR_CONFIG_INVALID',
      `gateways[${config.id}].protocol ${config.protocol} is not SMGP`,
    );
  }
  return new SmgpGateway(config, deps);
}

class SmgpGateway implements Gateway {
  readonly textProfile = 'cn' as const;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly connections: SmgpConnection[] = [];
  private readonly queue: SubmitQueue<SmgpConnection, SubmitPart>;
  private handlers: GatewayHandlers | null = null;
  private phase: 'idle' | 'running' | 'closing' | 'closed' = 'idle';
  private closing: Promise<void> | null = null;
  private lastError: string | null = null;
  private lastState = '';
  private readonly counters = newGatewayCounters();

  constructor(
    readonly config: GatewayConfig,
    private readonly deps: SmgpGatewayDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger.child({ gateway: config.id, protocol: 'smgp' });
    this.queue = new SubmitQueue({
      clock: this.clock,
      log: this.log,
      config,
      codes: LOCAL_CODES,
      counters: this.counters,
      links: () => this.connections,
      anyUsable: () => this.connections.some((c) => c.canSubmit),
      write: (connection, part) =>
        connection.submit(submitBodyOf(part, config))?.then(outcomeOfAnswer) ?? null,
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
      deliver: (pdu: Deliver) => this.deliver(pdu),
      problem: (kind: ProblemKind, message: string) => this.problem(kind, message),
      reconnecting: () => this.counters.reconnects++,
    };
    for (let i = 0; i < Math.max(1, this.config.connections); i++) {
      this.connections.push(
        new SmgpConnection(i, {
          config: this.config,
          loginMode: this.config.smgp?.loginMode ?? LOGIN_MODE.transmit,
          clock: this.clock,
          logger: this.log,
          random: this.deps.random ?? Math.random,
          events,
        }),
      );
    }
    for (const c of this.connections) c.start();
  }

  /** Free window slots on links that may submit, plus one window's worth of queue; 0 while there is none. */
  capacity(): number {
    if (this.phase !== 'running') return 0;
    const bound = this.connections.filter((c) => c.canSubmit);
    if (bound.length === 0) return 0;
    const free = bound.reduce((n, c) => n + c.free, 0);
    return Math.max(0, free + this.config.window - this.queue.length);
  }

  submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    return Promise.all(parts.map((part) => this.queue.enqueue(part)));
  }

  status(): GatewayStatus {
    return {
      id: this.config.id,
      protocol: this.config.protocol,
      state: this.gatewayState(),
      bound: this.connections.filter((c) => c.state === 'bound').length,
      inFlight: this.connections.reduce((n, c) => n + c.inFlight, 0),
      queued: this.queue.length,
      window: this.config.window,
      tps: this.config.tps,
      counters: { ...this.counters },
      lastError: this.lastError,
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
    await Promise.all(this.connections.map((c) => c.close(this.config.requestTimeoutMs)));
    await this.queue.settled();
    this.phase = 'closed';
    this.stateChanged();
    this.log.info(this.counters, 'SMGP 网关已关闭 gateway closed');
  }

  /**
   * Report or uplink to the handler; the Deliver_Resp Status says whether it was taken (0), could
   * not be stored now (1, system busy: the SMGW delivers it again) or cannot be read (10).
   */
  private deliver(pdu: Deliver): Promise<number> {
    const handlers = this.handlers;
    const now = this.clock.now();
    if (!handlers) return Promise.resolve(STATUS.systemBusy);
    let handled: Promise<void>;
    if (pdu.isReport === 1) {
      const report = reportOf(pdu, this.config.id, now);
      if (!report.ok) {
        this.problem('protocol', `状态报告无法解析 malformed status report: ${report.error.message}`);
        return Promise.resolve(STATUS.badStructure);
      }
      this.counters.reports++;
      handled = this.call(() => handlers.report(report.value));
    } else {
      this.counters.uplinks++;
      handled = this.call(() => handlers.uplink(uplinkOf(pdu, this.config.id, now)));
    }
    const result = handled.then(
      (): number => STATUS.ok,
      (err: unknown) => {
        this.counters.errors++;
        this.log.error({ err }, '报告或上行处理失败，回复 Status 1 handler failed, answering Deliver_Resp 1');
        return STATUS.systemBusy;
      },
    );
    this.queue.track(result);
    return result;
  }

  /** A handler that throws synchronously counts as one that rejected. */
  private call(fn: () => Promise<void>): Promise<void> {
    try {
      return fn();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private problem(kind: ProblemKind, message: string): void {
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
        const best = STATE_RANK.find((s) => this.connections.some((c) => c.state === s)) ?? 'closed';
        // Between attempts every connection is closed, yet the gateway is still trying.
        return best === 'closed' ? 'connecting' : best;
      }
    }
  }

  private stateChanged(): void {
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
