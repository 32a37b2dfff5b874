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
import type { Logger } from '../../shared/log.js';
import { AppError } from '../../shared/errors.js';
import type { TextProfile } from '../../domain/text/types.js';
import {
  textProfileOf,
  type Gateway,
  type GatewayConfig,
  type SmppOptions,
  type SubmitOutcome,
  type SubmitPart,
} from '../gateway.js';
import type { Clock } from '../session/clock.js';
import { PooledGateway, type PoolEvents, type SubmitJob } from '../session/pooled-gateway.js';
import {
  DEFAULT_SMPP_OPTIONS,
  LOCAL_CODES,
  outcomeOfAnswer,
  reportOf,
  submitJobsOf,
  uplinkOf,
  type Delivered,
  type SubmitBody,
} from './client-mapping.js';
import { isReceipt, STATUS } from './codes.js';
import { SmppConnection, type BindKind, type ConnectionState } from './connection.js';
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

class SmppGateway extends PooledGateway<SmppConnection, SubmitBody> {
  /** SAR TLVs carry the concatenation outside the short message, so a segment holds a whole SMS. */
  readonly textProfile: TextProfile;
  /** Ids submit_sm_resp gave lately, to match receipts that write them another way (receipt.ts). */
  private readonly recentIds = new RecentIds();

  constructor(
    config: GatewayConfig,
    private readonly options: SmppOptions,
    private readonly deps: SmppGatewayDeps,
  ) {
    super(config, {
      name: 'SMPP',
      protocol: 'smpp',
      logger: deps.logger,
      clock: deps.clock,
      stateRank: STATE_RANK,
      codes: LOCAL_CODES,
    });
    this.textProfile = textProfileOf('smpp', options.longMessage);
  }

  protected openConnections(events: PoolEvents): SmppConnection[] {
    const all = { ...events, deliver: (pdu: Delivered) => this.deliver(pdu) };
    const connections: SmppConnection[] = [];
    for (let i = 0; i < Math.max(1, this.config.connections); i++) {
      for (const kind of BINDS[this.options.bindMode]) {
        connections.push(
          new SmppConnection(connections.length, {
            config: this.config,
            options: this.options,
            kind,
            clock: this.clock,
            logger: this.log,
            random: this.deps.random ?? Math.random,
            events: all,
          }),
        );
      }
    }
    return connections;
  }

  /** A receiver of a transmitter + receiver pair never submits. */
  protected override canSubmit(c: SmppConnection): boolean {
    return c.submits && c.state === 'bound';
  }

  protected jobsOf(parts: readonly SubmitPart[]): SubmitJob<SubmitBody>[] {
    return submitJobsOf(parts, this.options).map((job) => ({ item: job.body, parts: job.parts }));
  }

  /** Accepted ids are remembered so that receipts quoting them in another base still match. */
  protected write(connection: SmppConnection, body: SubmitBody): Promise<SubmitOutcome> | null {
    return (
      connection.submit(body)?.then((answer) => {
        const outcome = outcomeOfAnswer(answer);
        if (outcome.kind === 'accepted') this.recentIds.add(outcome.carrierMsgId);
        return outcome;
      }) ?? null
    );
  }

  /**
   * A receipt (esm_class type 0x04) or an uplink to its handler; answers the deliver_sm_resp status:
   * ESME_ROK once handled, ESME_RSYSERR when the handler failed (the SMSC delivers it again), and
   * ESME_RX_R_APPN for a receipt that names no message or no state, which no retry can mend.
   */
  private deliver(pdu: Delivered): Promise<number> {
    const now = this.clock.now();
    const codes = { ok: STATUS.ok, failed: STATUS.systemError };
    if (!isReceipt(pdu.esmClass))
      return this.handOver('uplink', (h) => h.uplink(uplinkOf(pdu, this.config.id, now)), codes);
    const report = reportOf(pdu, this.config.id, now, this.recentIds);
    if (!report.ok) {
      this.problem('protocol', `状态报告无法解析 malformed delivery receipt: ${report.reason}`);
      return Promise.resolve(STATUS.receiverRejected);
    }
    return this.handOver('report', (h) => h.report(report.report), codes);
  }
}
