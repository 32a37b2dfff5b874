/**
 * The CMPP 2.0 / 3.0 gateway, SP side (gateway.ts contract): `config.connections` connections
 * (connection.ts), one TPS limit over all of them, and a short queue in front of the windows.
 *
 * A part waits in the queue until some bound connection has a free window slot and the token
 * bucket a token; then it is written as one CMPP_SUBMIT and its answer becomes its outcome
 * (client-mapping.ts). A part still queued after `requestTimeoutMs` — no bound link, or windows and
 * rate saturated — is answered `retry` without having been written. `submit` never rejects. What
 * the four gateways share is in session/pooled-gateway.ts and session/submit-queue.ts.
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
import type { CmppVersion } from './codec.js';
import { DELIVER_RESULT } from './codes.js';
import { CmppConnection, type ConnectionState } from './connection.js';

export interface CmppGatewayDeps {
  logger: Logger;
  clock?: Clock;
  /** Jitter source for reconnect backoff. */
  random?: () => number;
}

/** The gateway state shown for its connections: the most advanced one wins. */
const STATE_RANK: readonly ConnectionState[] = ['bound', 'binding', 'connecting', 'unbinding', 'closed'];

export function createCmppGateway(config: GatewayConfig, deps: CmppGatewayDeps): Gateway {
  if (config.protocol !== 'cmpp2' && config.protocol !== 'cmpp3') {
    throw new AppError(
      'ERR_CONFIG_INVALID',
      `gateways[${config.id}].protocol ${config.protocol} is not CMPP`,
    );
  }
  return new CmppGateway(config, config.protocol, deps);
}

class CmppGateway extends PooledGateway<CmppConnection, SubmitPart> {
  readonly textProfile = 'cn' as const;

  constructor(
    config: GatewayConfig,
    private readonly version: CmppVersion,
    private readonly deps: CmppGatewayDeps,
  ) {
    super(config, {
      name: 'CMPP',
      protocol: version,
      logger: deps.logger,
      clock: deps.clock,
      stateRank: STATE_RANK,
      codes: LOCAL_CODES,
    });
  }

  protected openConnections(events: PoolEvents): CmppConnection[] {
    const all = { ...events, deliver: (pdu: Deliver) => this.deliver(pdu) };
    return Array.from(
      { length: Math.max(1, this.config.connections) },
      (_, i) =>
        new CmppConnection(i, {
          config: this.config,
          version: this.version,
          clock: this.clock,
          logger: this.log,
          random: this.deps.random ?? Math.random,
          events: all,
        }),
    );
  }

  protected jobsOf(parts: readonly SubmitPart[]): SubmitJob<SubmitPart>[] {
    return jobPerPart(parts);
  }

  protected write(connection: CmppConnection, part: SubmitPart): Promise<SubmitOutcome> | null {
    return connection.submit(submitBodyOf(part, this.config))?.then(outcomeOfAnswer) ?? null;
  }

  /** Report or uplink to the handler; the DELIVER_RESP Result says whether it was taken (0) or not (9). */
  private deliver(pdu: Deliver): Promise<number> {
    const now = this.clock.now();
    const codes = { ok: DELIVER_RESULT.ok, failed: DELIVER_RESULT.other };
    if (pdu.registeredDelivery !== 1)
      return this.handOver('uplink', (h) => h.uplink(uplinkOf(pdu, this.config.id, now)), codes);
    const report = reportOf(pdu, this.config.id, now);
    if (!report.ok) {
      this.problem('protocol', `状态报告无法解析 malformed status report: ${report.error.message}`);
      return Promise.resolve(DELIVER_RESULT.badStructure);
    }
    return this.handOver('report', (h) => h.report(report.value), codes);
  }
}
