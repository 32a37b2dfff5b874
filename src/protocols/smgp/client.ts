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
import type { Logger } from '../../shared/log.js';
import { AppError } from '../../shared/errors.js';
import type { Gateway, GatewayConfig, SubmitOutcome, SubmitPart } from '../gateway.js';
import type { Clock } from '../session/clock.js';
import { jobPerPart, PooledGateway, type PoolEvents, type SubmitJob } from '../session/pooled-gateway.js';
import {
  LOCAL_CODES,
  outcomeOfAnswer,
  reportOf,
  submitBodyOf,
  uplinkOf,
  type Deliver,
} from './client-mapping.js';
import { LOGIN_MODE, STATUS } from './codes.js';
import { SmgpConnection, type ConnectionState } from './connection.js';

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

class SmgpGateway extends PooledGateway<SmgpConnection, SubmitPart> {
  readonly textProfile = 'cn' as const;

  constructor(
    config: GatewayConfig,
    private readonly deps: SmgpGatewayDeps,
  ) {
    super(config, {
      name: 'SMGP',
      protocol: 'smgp',
      logger: deps.logger,
      clock: deps.clock,
      stateRank: STATE_RANK,
      codes: LOCAL_CODES,
    });
  }

  protected openConnections(events: PoolEvents): SmgpConnection[] {
    const all = { ...events, deliver: (pdu: Deliver) => this.deliver(pdu) };
    return Array.from(
      { length: Math.max(1, this.config.connections) },
      (_, i) =>
        new SmgpConnection(i, {
          config: this.config,
          loginMode: this.config.smgp?.loginMode ?? LOGIN_MODE.transmit,
          clock: this.clock,
          logger: this.log,
          random: this.deps.random ?? Math.random,
          events: all,
        }),
    );
  }

  /** A receive-only login (LoginMode 1, `LOGIN_MODE.receive`) never submits; send-only (0) and both (2) do. */
  protected override canSubmit(c: SmgpConnection): boolean {
    return c.canSubmit;
  }

  protected jobsOf(parts: readonly SubmitPart[]): SubmitJob<SubmitPart>[] {
    return jobPerPart(parts);
  }

  protected write(connection: SmgpConnection, part: SubmitPart): Promise<SubmitOutcome> | null {
    return connection.submit(submitBodyOf(part, this.config))?.then(outcomeOfAnswer) ?? null;
  }

  /**
   * Report or uplink to the handler; the Deliver_Resp Status says whether it was taken (0), could
   * not be stored now (1, system busy: the SMGW delivers it again) or cannot be read (10).
   */
  private deliver(pdu: Deliver): Promise<number> {
    const now = this.clock.now();
    const codes = { ok: STATUS.ok, failed: STATUS.systemBusy };
    if (pdu.isReport !== 1)
      return this.handOver('uplink', (h) => h.uplink(uplinkOf(pdu, this.config.id, now)), codes);
    const report = reportOf(pdu, this.config.id, now);
    if (!report.ok) {
      this.problem('protocol', `状态报告无法解析 malformed status report: ${report.error.message}`);
      return Promise.resolve(STATUS.badStructure);
    }
    return this.handOver('report', (h) => h.report(report.value), codes);
  }
}
