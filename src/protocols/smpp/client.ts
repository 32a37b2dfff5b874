/**
 * The SMPP 3.4 gateway, ESME side (gateway.ts contract): `config.connections` connections, each one
 * transceiver bind or a transmitter + receiver pair (`SmppOptions.bindMode`), one TPS limit over all
 * of them, and a short queue in front of the windows.
 *
 * `submit(parts)` turns the parts into submit_sm jobs (client-mapping.ts: one per part, or one per
 * message in `payload` mode). A job waits in the queue until a bound transmitting connection has a
 * free window slot and the token bucket a token; then it is written and its answer becomes the
 * outcome of each of its parts. A job still queued after `requestTimeoutMs` — no bound link, or
 * windows and rate saturated — is answered `retry` without having been written. `submit` never
 * rejects. Receipts and uplinks go to the handlers; the SMSC gets its deliver_sm_resp only after the
 * handler settled: ESME_ROK, or ESME_RSYSERR when the handler failed.
 */
import type { Logger } from '../../log.js';
import { AppError } from '../../errors.js';
import type {
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayState,
  GatewayStatus,
  SmppOptions,
  SubmitOutcome,
  SubmitPart,
} from '../gateway.js';
import { systemClock, type Clock } from '../session/clock.js';
import type { RequestResult } from '../session/request-tracker.js';
import { newGatewayCounters, SubmitQueue } from '../session/submit-queue.js';
import {
  DEFAULT_SMPP_OPTIONS,
  LOCAL_CODES,
  outcomeOfAnswer,
  reportOf,
  submitJobsOf,
  uplinkOf,
  type Delivered,
  type SubmitAnswer,
  type SubmitBody,
} from './client-mapping.js';
import { isReceipt, STATUS } from './codes.js';
import { SmppConnection, type BindKind, type ConnectionState, type ProblemKind } from './connection.js';
import { RecentIds } from './receipt.js';

export interface SmppGatewayDeps {
  logger: Logger;
  clock?: Clock;
  /** Jitter source for reconnect backoff. */
  random?: () => number;
}

/** The gateway state shown for its connections: the most advanced one wins. */
const STATE_RANK: readonly ConnectionState[] = ['bound', 'binding', 'connecting', 'unbinding', 'closed'];

const BINDS: Record<SmppOptions['bindMode'], readonly BindKind[]> = {
  transceiver: ['transceiver'],
  pair: ['transmitter', 'receiver'],
};

export function createSmppGateway(config: GatewayConfig, deps: SmppGatewayDeps): Gateway {
  if (config.protocol !== 'smpp') {
    throw new AppError(
      'ERR_CONFIG_INVALID',
      `gateways[${config.id}].protocol ${config.protocol} is not SMPP`,
    );
  }
  return new SmppGateway(config, config.smpp ?? DEFAULT_SMPP_OPTIONS, deps);
}

class SmppGateway implements Gateway {
  readonly textProfile = 'gsm' as const;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly connections: SmppConnection[] = [];
  private readonly queue: SubmitQueue<SmppConnection, SubmitBody>;
  /** Ids submit_sm_resp gave lately, to match receipts that write them another way (receipt.ts). */
  private readonly recentIds = new RecentIds();
  private handlers: GatewayHandlers | null = null;
  private phase: 'idle' | 'running' | 'closing' | 'closed' = 'idle';
  private closing: Promise<void> | null = null;
  private lastError: string | null = null;
  private lastState = '';
  private readonly counters = newGatewayCounters();

  constructor(
    readonly config: GatewayConfig,
    private readonly options: SmppOptions,
    private readonly deps: SmppGatewayDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger.child({ gateway: config.id, protocol: 'smpp' });
    this.queue = new SubmitQueue({
      clock: this.clock,
      log: this.log,
      config,
      codes: LOCAL_CODES,
      counters: this.counters,
      links: () => this.connections,
      anyUsable: () => this.connections.some((c) => c.submits && c.state === 'bound'),
      write: (connection, body) => connection.submit(body)?.then((answer) => this.outcomeOf(answer)) ?? null,
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
      deliver: (pdu: Delivered) => this.deliver(pdu),
      problem: (kind: ProblemKind, message: string) => this.problem(kind, message),
      reconnecting: () => this.counters.reconnects++,
    };
    for (let i = 0; i < Math.max(1, this.config.connections); i++) {
      for (const kind of BINDS[this.options.bindMode]) {
        this.connections.push(
          new SmppConnection(this.connections.length, {
            config: this.config,
            options: this.options,
            kind,
            clock: this.clock,
            logger: this.log,
            random: this.deps.random ?? Math.random,
            events,
          }),
        );
      }
    }
    for (const c of this.connections) c.start();
  }

  /** Free window slots on bound transmitting links, plus one window of queue; 0 while none is bound. */
  capacity(): number {
    if (this.phase !== 'running') return 0;
    const bound = this.connections.filter((c) => c.submits && c.state === 'bound');
    if (bound.length === 0) return 0;
    const free = bound.reduce((n, c) => n + c.free, 0);
    return Math.max(0, free + this.config.window - this.queue.length);
  }

  async submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    const outcomes: SubmitOutcome[] = [];
    const jobs = submitJobsOf(parts, this.options);
    await Promise.all(
      jobs.map(async (job) => {
        const outcome = await this.queue.enqueue(job.body, job.parts.length);
        for (const i of job.parts) outcomes[i] = outcome;
      }),
    );
    return outcomes;
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
    this.log.info(this.counters, 'SMPP 网关已关闭 gateway closed');
  }

  /** Accepted ids are remembered so that receipts quoting them in another base still match. */
  private outcomeOf(answer: RequestResult<SubmitAnswer>): SubmitOutcome {
    const outcome = outcomeOfAnswer(answer);
    if (outcome.kind === 'accepted') this.recentIds.add(outcome.carrierMsgId);
    return outcome;
  }

  /**
   * A receipt (esm_class type 0x04) or an uplink to its handler; answers the deliver_sm_resp status:
   * ESME_ROK once handled, ESME_RSYSERR when the handler failed (the SMSC delivers it again), and
   * ESME_RX_R_APPN for a receipt that names no message or no state, which no retry can mend.
   */
  private deliver(pdu: Delivered): Promise<number> {
    const handlers = this.handlers;
    const now = this.clock.now();
    if (!handlers) return Promise.resolve(STATUS.systemError);
    let handled: Promise<void>;
    if (isReceipt(pdu.esmClass)) {
      const report = reportOf(pdu, this.config.id, now, this.recentIds);
      if (!report.ok) {
        this.problem('protocol', `状态报告无法解析 malformed delivery receipt: ${report.reason}`);
        return Promise.resolve(STATUS.receiverRejected);
      }
      this.counters.reports++;
      handled = this.call(() => handlers.report(report.report));
    } else {
      this.counters.uplinks++;
      handled = this.call(() => handlers.uplink(uplinkOf(pdu, this.config.id, now)));
    }
    const result = handled.then(
      () => STATUS.ok,
      (err: unknown) => {
        this.counters.errors++;
        this.log.error({ err }, '报告或上行处理失败，回复 ESME_RSYSERR handler failed');
        return STATUS.systemError;
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
