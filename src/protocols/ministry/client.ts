/**
 * The ministry link (`protocol: ministry`, docs/federation.md): a province platform's gateway to the
 * ministry platform's own system interface (docs/design.md §4.2), standard §5.2 b. This holds the
 * link's state; submit.ts sends, feeds.ts follows the report and reply feeds, push.ts takes the
 * ministry's push callbacks when `push` is set (the pulls then run only as a catch-up).
 *
 *   idle ─start─► connecting ─balance answers 1─► bound ─────────────► closed
 *                    ▲   │                           │ code 3 ─► paused ─(probe: balance > 0)─► bound
 *                    │   └─ code 5/6/8 ─► refused ───┤ 5/6/8  ─► refused ─(slow probe)─► bound
 *                    └──── unreachable, no answer ◄──┘
 */
import type { Logger } from 'pino';
import type { TextProfile } from '../../domain/text/types.js';
import type {
  Gateway,
  GatewayConfig,
  GatewayHandlers,
  GatewayState,
  GatewayStatus,
  MinistryOptions,
  SubmitOutcome,
  SubmitPart,
} from '../gateway.js';
import { text, type LinkContext } from './context.js';
import { FeedFollower, type FeedCursors } from './feeds.js';
import { jsonPoster, type HttpAnswer, type JsonPoster } from './http.js';
import { meaningOf } from './mapping.js';
import { PushReceiver } from './push.js';
import { BATCH_MAX, Downlink } from './submit.js';

export type { FeedCursors, FeedName } from './feeds.js';

export interface MinistryGatewayDeps {
  logger: Logger;
  cursors?: FeedCursors | undefined;
  now?: () => number;
}

export function createMinistryGateway(config: GatewayConfig, deps: MinistryGatewayDeps): Gateway {
  return new MinistryGateway(config, deps);
}

class MinistryGateway implements Gateway, LinkContext {
  readonly textProfile: TextProfile = 'cn';
  readonly wholeMessages = true;
  readonly options: MinistryOptions;
  readonly poster: JsonPoster;
  readonly now: () => number;
  private handlers: GatewayHandlers | null = null;
  private state: GatewayState = 'idle';
  private lastError: string | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private isClosing = false;
  private readonly downlink: Downlink;
  private readonly feeds: FeedFollower;
  private readonly push: PushReceiver | null;
  /** The push listener is up: the feeds are pulled only every `push.catchUpMs`. */
  private pushing = false;
  private nextPullAt = 0;
  private nextListenAt = 0;
  readonly counters: GatewayStatus['counters'] = {
    submitted: 0,
    accepted: 0,
    rejected: 0,
    retried: 0,
    unanswered: 0,
    reports: 0,
    uplinks: 0,
    reconnects: 0,
    errors: 0,
  };

  constructor(
    readonly config: GatewayConfig,
    private readonly deps: MinistryGatewayDeps,
  ) {
    if (!config.ministry) throw new Error(`gateway ${config.id}: protocol ministry without url`);
    this.options = config.ministry;
    this.poster = jsonPoster(
      this.options,
      Math.max(config.connections, config.window) + 2,
      config.requestTimeoutMs,
    );
    this.now = deps.now ?? Date.now;
    this.downlink = new Downlink(this);
    this.feeds = new FeedFollower(this, deps.cursors);
    const push = this.options.push;
    this.push = push
      ? new PushReceiver({
          link: this,
          options: push,
          handlers: () => this.handlers,
          // Proof the ministry is up: a link waiting to reprobe tries now.
          heard: () => {
            if (this.state === 'connecting') this.wake?.();
          },
          logger: deps.logger.child({ gateway: config.id, side: 'push' }),
        })
      : null;
  }

  start(handlers: GatewayHandlers): void {
    if (this.handlers) return;
    this.handlers = handlers;
    this.setState('connecting', null);
    this.loop = this.run();
  }

  capacity(): number {
    if (this.state !== 'bound') return 0;
    return Math.max(0, this.config.window * BATCH_MAX - this.downlink.queued - this.downlink.inFlight);
  }

  submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    if (!this.usable()) {
      this.counters.retried += parts.length;
      const reason = this.downReason();
      return Promise.resolve(parts.map(() => ({ kind: 'retry', code: 'LINK_DOWN', reason })));
    }
    return this.downlink.submit(parts);
  }

  status(): GatewayStatus {
    return {
      id: this.config.id,
      protocol: this.config.protocol,
      state: this.state,
      bound: this.state === 'bound' ? 1 : 0,
      inFlight: this.downlink.inFlight,
      queued: this.downlink.queued,
      window: this.config.window,
      tps: this.config.tps,
      counters: { ...this.counters },
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    this.isClosing = true;
    this.setState('unbinding', this.lastError);
    this.wake?.();
    // Callbacks are refused (503) from now on, and the port is free for a replacement link.
    const pushClosed = this.push?.close();
    // Whatever never left goes back to the dispatcher as "not sent".
    await this.downlink.close();
    await this.loop;
    await pushClosed;
    this.poster.close();
    this.setState('closed', this.lastError);
  }

  // ── what submit.ts and feeds.ts see (LinkContext) ─────────────────────────────────────────

  usable(): boolean {
    return this.state === 'bound' && !this.isClosing;
  }

  closing(): boolean {
    return this.isClosing;
  }

  downReason(): string {
    return this.lastError ?? `ministry link ${this.state}`;
  }

  credentials(): { appName: string; password: string } {
    return { appName: this.config.account, password: this.config.secret };
  }

  linkTrouble(answer: HttpAnswer | { kind: 'code'; code: number; msg: string }): void {
    if (this.isClosing) return;
    this.counters.errors++;
    if (answer.kind === 'code') {
      const meaning = meaningOf(answer.code);
      if (meaning.kind === 'refused' || meaning.kind === 'paused')
        this.setState(meaning.kind, `code ${answer.code} ${answer.msg}`);
      this.wake?.();
      return;
    }
    const reason = answer.kind === 'answer' ? `HTTP ${answer.status}` : answer.reason;
    if (this.state === 'bound') this.counters.reconnects++;
    this.setState('connecting', reason);
    this.wake?.();
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────

  private setState(state: GatewayState, error: string | null): void {
    const changed = state !== this.state || error !== this.lastError;
    this.state = state;
    this.lastError = error;
    if (changed) this.handlers?.state?.(this.status());
  }

  private sleep(ms: number): Promise<void> {
    if (this.isClosing) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** Probes until the ministry takes the account, then follows the feeds while it stays bound. */
  private async run(): Promise<void> {
    let backoff = this.config.reconnectMinMs;
    // Read after each await: close() may have run meanwhile.
    while (!this.closing()) {
      if (this.push && !this.pushing && this.now() >= this.nextListenAt) await this.startPush();
      if (this.state !== 'bound') {
        const ok = await this.probe();
        if (this.closing()) break;
        if (!ok) {
          // Refused credentials and an empty balance are not fixed by hammering: retry slowly.
          const slow = this.state === 'refused' || this.state === 'paused';
          await this.sleep(slow ? this.config.reconnectMaxMs : backoff);
          backoff = Math.min(this.config.reconnectMaxMs, backoff * 2);
          continue;
        }
        backoff = this.config.reconnectMinMs;
      }
      let busy = false;
      const handlers = this.handlers;
      try {
        if (handlers && this.pullDue()) {
          busy = (await this.feeds.follow('reports', handlers)) || busy;
          busy = (await this.feeds.follow('replies', handlers)) || busy;
          if (!busy) this.pulled();
        } else if (this.pushing) {
          // No pulls to tell whether the ministry still answers: ask for the balance instead.
          await this.probe();
        }
      } catch (err) {
        this.counters.errors++;
        this.deps.logger.error(
          { err, gateway: this.config.id },
          '部级平台回执或上行未能保存 ministry feed not stored',
        );
      }
      if (!busy) await this.sleep(this.options.pollMs);
    }
  }

  /**
   * Opens the push listener. Until it listens the link pulls every `pollMs` as without `push`, so
   * nothing waits for callbacks that cannot come; it tries again every `reconnectMaxMs` (a link
   * replaced with new settings may still hold the port while it closes).
   */
  private async startPush(): Promise<void> {
    if (!this.push) return;
    try {
      await this.push.start();
      this.pushing = true;
      const { catchUpMs } = this.options.push ?? { catchUpMs: 0 };
      // A catch-up at start takes what was pushed while the province was down; 0: never.
      this.nextPullAt = catchUpMs > 0 ? 0 : Infinity;
    } catch (err) {
      this.counters.errors++;
      this.nextListenAt = this.now() + this.config.reconnectMaxMs;
      this.deps.logger.error(
        { err, gateway: this.config.id },
        '部级平台推送无法监听，暂改为拉取 ministry push listener down, pulling meanwhile',
      );
    }
  }

  private pullDue(): boolean {
    return !this.pushing || this.now() >= this.nextPullAt;
  }

  private pulled(): void {
    const catchUpMs = this.options.push?.catchUpMs ?? 0;
    if (this.pushing) this.nextPullAt = catchUpMs > 0 ? this.now() + catchUpMs : Infinity;
  }

  private async probe(): Promise<boolean> {
    const answer = await this.poster.post('/api/sms/balance', this.credentials());
    if (answer.kind !== 'answer' || answer.status !== 200) {
      this.linkTrouble(answer);
      return false;
    }
    const body = (answer.body ?? {}) as { code?: unknown; msg?: unknown; balance?: unknown };
    const meaning = meaningOf(body.code);
    if (meaning.kind !== 'ok') {
      const code = Number(body.code);
      if (meaning.kind === 'refused') this.setState('refused', `code ${code} ${text(body.msg)}`);
      else this.setState('connecting', `code ${code} ${text(body.msg)}`);
      return false;
    }
    if (typeof body.balance === 'number' && body.balance <= 0) {
      this.setState('paused', 'code 3 账户余额不足 balance exhausted on the ministry platform');
      return false;
    }
    this.setState('bound', null);
    this.downlink.scheduleFlush();
    return true;
  }
}
