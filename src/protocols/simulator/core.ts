/**
 * The protocol-agnostic carrier: settings, counters, the handsets, the report scheduler, what is
 * owed to the platform, and carrier message-id stamps. A protocol server (CMPP ISMG, …) owns the
 * sockets and the bytes and calls in here; `Id` is that protocol's carrier message id.
 */
import type { Socket } from 'node:net';
import { AppError } from '../../shared/errors.js';
import { segmentText, type ConcatInfo, type Segment } from '../../domain/text/index.js';
import type { Logger } from '../../shared/log.js';
import { Handsets } from './handsets.js';
import { Outbound } from './outbound.js';
import { Scheduler, systemClock, type Clock } from './scheduler.js';
import type { MoRequest, ServerAuthenticatorStyle, SimulatorConfig, SimulatorStats } from './types.js';

/** Report of one segment, as the protocol server writes it. */
export interface ReportPayload<Id> {
  /** The carrier's own id of the report PDU (CMPP_DELIVER Msg_Id). */
  deliverId: Id;
  /** The id the submit was answered with, which the report is about. */
  msgId: Id;
  /** The destination number as submitted (CMPP report Src_terminal_Id and Dest_terminal_Id). */
  terminal: string;
  /** The sender number of the submit. */
  srcId: string;
  stat: 'DELIVRD' | 'UNDELIV';
  submittedAt: number;
  doneAt: number;
  /** SMSC_sequence of the CMPP report body. */
  smscSequence: number;
}

/** One segment of a citizen's message to the platform. */
export interface MoPayload<Id> {
  msgId: Id;
  from: string;
  to: string;
  segment: Segment;
}

export type OutgoingPayload<Id> =
  { kind: 'report'; report: ReportPayload<Id> } | { kind: 'mo'; mo: MoPayload<Id> };

/** A segment the protocol server accepted, one per destination number. */
export interface AcceptedSegment<Id> {
  /** The handset (normalised number). */
  mobile: string;
  /** The destination number as submitted, which the report repeats. */
  terminal: string;
  from: string;
  content: Uint8Array;
  concat: ConcatInfo | null;
  text: string;
  msgId: Id;
  msgIdText: string;
  wantReport: boolean;
  /** The connection that submitted it; its report goes back there when it can. */
  link: number;
}

/** What a protocol's submit reader answers for one SUBMIT: its destinations and its one segment. */
export interface SubmittedSegment {
  destinations: readonly { mobile: string; raw: string }[];
  content: Uint8Array;
  concat: ConcatInfo | null;
  text: string;
  wantReport: boolean;
}

/** Time and sequence for a carrier message id (CMPP Msg_Id, protocols docs/protocols.md §1.6). */
export interface IdStamp {
  /** The whole second the id names. */
  epochMs: number;
  /** 16 bits, +1 per id, wrapping. */
  sequence: number;
}

export interface CoreOptions<Id> {
  account: string;
  secret: string;
  /** How a CMPP or SMGP login answer proves the secret (types.ts `SimulatorOptions`). */
  serverAuthenticator?: ServerAuthenticatorStyle | undefined;
  dlrDelayMs: number;
  failRate: number;
  seed: number;
  gatewayCode: number;
  logger: Logger;
  /** The protocol's carrier id from a stamp. */
  composeId: (stamp: IdStamp) => Id;
  clock?: Clock;
}

interface Draft<Id> {
  msgId: Id;
  terminal: string;
  srcId: string;
  failed: boolean;
  submittedAt: number;
  link: number;
}

type Counter = Exclude<keyof SimulatorStats, 'connections' | 'reportsPending'>;

const ZERO: Record<Counter, number> = {
  binds: 0,
  authFailures: 0,
  submits: 0,
  segments: 0,
  messages: 0,
  duplicates: 0,
  reportsSent: 0,
  reportsAcked: 0,
  delivered: 0,
  failed: 0,
  uplinksSent: 0,
  uplinksAcked: 0,
};

/** Every id second holds at most this many ids, so that none repeats within a run. */
const SEQUENCES = 0x10000;
/** A report or uplink the platform refused is offered again after this long (or at the next bind). */
const REFUSED_AGAIN_MS = 2000;

export class SimulatorCore<Id> {
  readonly account: string;
  readonly secret: string;
  readonly serverAuthenticator: ServerAuthenticatorStyle;
  readonly gatewayCode: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly handsets: Handsets;
  readonly outbound: Outbound<OutgoingPayload<Id>>;
  private readonly initial: SimulatorConfig;
  private settings: SimulatorConfig;
  private counters = { ...ZERO };
  private open = 0;
  private random: () => number;
  private readonly scheduler: Scheduler<Draft<Id>>;
  private smscSequence = 0;
  private moReference = 0;
  private idSecond = Number.NEGATIVE_INFINITY;
  private idsInSecond = 0;
  private idSequence = 0;

  constructor(private readonly options: CoreOptions<Id>) {
    this.account = options.account;
    this.secret = options.secret;
    this.serverAuthenticator = options.serverAuthenticator ?? 'spec';
    this.gatewayCode = options.gatewayCode;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.initial = checkConfig({
      dlrDelayMs: options.dlrDelayMs,
      failRate: options.failRate,
      submitResult: 0,
      answerSubmits: true,
      loginTimeoutMs: LOGIN_TIMEOUT_MS,
    });
    this.settings = { ...this.initial };
    this.random = seeded(options.seed);
    this.handsets = new Handsets(() => this.random() < this.settings.failRate);
    this.outbound = new Outbound(
      {
        sent: (kind) => this.count(kind === 'report' ? 'reportsSent' : 'uplinksSent'),
        acked: (kind) => this.count(kind === 'report' ? 'reportsAcked' : 'uplinksAcked'),
      },
      (fn) => {
        // A closed simulator must not be kept alive by a report it was refused.
        const handle = this.clock.setTimer(fn, REFUSED_AGAIN_MS) as { unref?: () => void };
        handle.unref?.();
      },
    );
    this.scheduler = new Scheduler((due) => this.reportsDue(due), this.clock);
  }

  get config(): SimulatorConfig {
    return { ...this.settings };
  }

  configure(patch: Partial<SimulatorConfig>): SimulatorConfig {
    this.settings = checkConfig({ ...this.settings, ...patch });
    return this.config;
  }

  count(counter: Counter): void {
    this.counters[counter]++;
  }

  connectionOpened(): void {
    this.open++;
  }

  /** What the closed link carried without an answer goes to another link or waits. */
  connectionClosed(linkId: number): void {
    this.open--;
    this.outbound.unbind(linkId);
  }

  stats(): SimulatorStats {
    const c = this.counters;
    return {
      connections: this.open,
      binds: c.binds,
      authFailures: c.authFailures,
      submits: c.submits,
      segments: c.segments,
      messages: c.messages,
      duplicates: c.duplicates,
      reportsSent: c.reportsSent,
      reportsAcked: c.reportsAcked,
      reportsPending: this.scheduler.size + this.outbound.pending('report'),
      delivered: c.delivered,
      failed: c.failed,
      uplinksSent: c.uplinksSent,
      uplinksAcked: c.uplinksAcked,
    };
  }

  /** A fresh carrier id, unique over the run. */
  newId(): Id {
    return this.options.composeId(this.stamp());
  }

  /** A fresh carrier-id stamp: the time fields come from `epochMs`; no two stamps of a run are equal. */
  stamp(): IdStamp {
    const second = Math.floor(this.clock.now() / 1000);
    if (second > this.idSecond) {
      this.idSecond = second;
      this.idsInSecond = 0;
    } else if (this.idsInSecond >= SEQUENCES) {
      // 65,536 ids already name this second: borrow the next one rather than repeat an id.
      this.idSecond++;
      this.idsInSecond = 0;
    }
    this.idsInSecond++;
    const sequence = this.idSequence;
    this.idSequence = (sequence + 1) % SEQUENCES;
    return { epochMs: this.idSecond * 1000, sequence };
  }

  /** Records a segment on its handset and schedules its report when one is wanted. */
  /** A SUBMIT to several numbers: the same segment accepted for each, under the SUBMIT's one id. */
  acceptEach(
    submit: SubmittedSegment,
    from: string,
    id: Pick<AcceptedSegment<Id>, 'msgId' | 'msgIdText' | 'link'>,
  ): void {
    const { content, concat, text, wantReport } = submit;
    for (const d of submit.destinations)
      this.accept({ mobile: d.mobile, terminal: d.raw, from, content, concat, text, wantReport, ...id });
  }

  accept(segment: AcceptedSegment<Id>): void {
    const now = this.clock.now();
    this.count('segments');
    const result = this.handsets.record({
      mobile: segment.mobile,
      from: segment.from,
      content: segment.content,
      concat: segment.concat,
      text: segment.text,
      msgId: segment.msgIdText,
      receivedAt: now,
    });
    if (result.duplicate) this.count('duplicates');
    if (result.completed) {
      this.count('messages');
      this.count(result.failed ? 'failed' : 'delivered');
    }
    if (!segment.wantReport) return;
    this.scheduler.at(now + this.settings.dlrDelayMs, {
      msgId: segment.msgId,
      terminal: segment.terminal,
      srcId: segment.from,
      failed: result.failed,
      submittedAt: now,
      link: segment.link,
    });
  }

  /**
   * Splits a citizen's text as a handset would (docs/design.md §5 Text, the `cn` profile: ASCII or UCS-2,
   * concatenated with a UDH when longer than one SMS) and queues its segments for the platform.
   */
  queueMo(mo: MoRequest): { segments: number } {
    const reference = this.moReference;
    this.moReference = (reference + 1) & 0xff;
    let segments: Segment[];
    try {
      segments = segmentText(mo.text, 'cn', reference);
    } catch (err) {
      // Only a text beyond 255 segments, which a UDH cannot number (TS 23.040 §9.2.3.24.1).
      throw new AppError(
        'ERR_SIMULATOR_MO_INVALID',
        `text 太长 (too long): ${mo.text.length} 个字符 (characters)`,
        { cause: err },
      );
    }
    const payloads = segments.map((segment): OutgoingPayload<Id> => ({
      kind: 'mo',
      mo: { msgId: this.newId(), from: mo.from, to: mo.to, segment },
    }));
    this.outbound.enqueue('mo', payloads, null);
    return { segments: segments.length };
  }

  reset(): void {
    this.settings = { ...this.initial };
    this.counters = { ...ZERO };
    this.random = seeded(this.options.seed);
    this.scheduler.clear();
    this.outbound.clear();
    this.handsets.clear();
  }

  close(): void {
    this.scheduler.clear();
  }

  private reportsDue(due: Draft<Id>[]): void {
    const doneAt = this.clock.now();
    for (const draft of due) {
      this.smscSequence = (this.smscSequence + 1) >>> 0;
      const report: ReportPayload<Id> = {
        deliverId: this.newId(),
        msgId: draft.msgId,
        terminal: draft.terminal,
        srcId: draft.srcId,
        stat: draft.failed ? 'UNDELIV' : 'DELIVRD',
        submittedAt: draft.submittedAt,
        doneAt,
        smscSequence: this.smscSequence,
      };
      this.outbound.enqueue('report', [{ kind: 'report', report }], draft.link);
    }
  }
}

/** Unauthenticated connections are not kept: a peer that never logs in is closed after this. */
export const LOGIN_TIMEOUT_MS = 10_000;

/**
 * Closes `socket` unless `loggedIn()` by the core's login timeout; the timer goes with the socket.
 * Each protocol's simulator connection calls this when it opens.
 */
export function closeUnlessLoggedIn(
  socket: Socket,
  core: { readonly config: SimulatorConfig },
  loggedIn: () => boolean,
): void {
  const timer = setTimeout(() => {
    if (!loggedIn()) socket.destroy();
  }, core.config.loginTimeoutMs);
  socket.once('close', () => clearTimeout(timer));
}

function checkConfig(c: SimulatorConfig): SimulatorConfig {
  const bad = (what: string): never => {
    throw new AppError('ERR_SIMULATOR_CONFIG', what);
  };
  if (!Number.isInteger(c.dlrDelayMs) || c.dlrDelayMs < 0)
    bad(`dlrDelayMs 应为非负整数 (a non-negative integer): ${c.dlrDelayMs}`);
  if (!(typeof c.failRate === 'number' && c.failRate >= 0 && c.failRate <= 1))
    bad(`failRate 应在 0 到 1 之间 (0..1): ${c.failRate}`);
  // CMPP 2.0 carries Result in one octet (protocols docs/protocols.md §1.5), so 0..255 fits both versions.
  if (!Number.isInteger(c.submitResult) || c.submitResult < 0 || c.submitResult > 255)
    bad(`submitResult 应为 0 到 255 的整数 (an integer 0..255): ${c.submitResult}`);
  if (typeof c.answerSubmits !== 'boolean') bad('answerSubmits 应为布尔值 (a boolean)');
  if (!Number.isInteger(c.loginTimeoutMs) || c.loginTimeoutMs < 1)
    bad(`loginTimeoutMs 应为正整数 (a positive integer): ${c.loginTimeoutMs}`);
  return {
    dlrDelayMs: c.dlrDelayMs,
    failRate: c.failRate,
    submitResult: c.submitResult,
    answerSubmits: c.answerSubmits,
    loginTimeoutMs: c.loginTimeoutMs,
  };
}

/** mulberry32: a small seeded generator, so a seed replays the same failures. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
