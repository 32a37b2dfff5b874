/**
 * The ministry link (`protocol: ministry`, docs/federation.md): a province platform's gateway to the
 * ministry platform's own system interface (docs/design.md §4.2), standard §5.2 b.
 *
 *   idle ─start─► connecting ─balance answers 1─► bound ─────────────► closed
 *                    ▲   │                           │ code 3 ─► paused ─(probe: balance > 0)─► bound
 *                    │   └─ code 5/6/8 ─► refused ───┤ 5/6/8  ─► refused ─(slow probe)─► bound
 *                    └──── unreachable, no answer ◄──┘
 *
 * Downlink: each message is one part with the whole text (`wholeMessages`); parts with the same text
 * and extension are sent together, at most 1000 numbers per `/api/sms/send`, `clientMsgId` derived
 * from the local message ids (mapping.ts `batchKey`). The ministry's message id is the part's carrier
 * id. Reports and replies are pulled from `/api/sms/reports` and `/api/sms/replies`; each cursor is
 * kept in the database and moved only after what it covers was stored.
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
import { jsonPoster, type HttpAnswer, type JsonPoster } from './http.js';
import { batchKey, meaningOf, statOf, timeOf } from './mapping.js';

export type FeedName = 'reports' | 'replies';

/** Where the link has read the ministry's feeds to (store/federation.ts). */
export interface FeedCursors {
  load(gatewayId: string, feed: FeedName): Promise<string>;
  save(gatewayId: string, feed: FeedName, cursor: string): Promise<void>;
}

export interface MinistryGatewayDeps {
  logger: Logger;
  cursors?: FeedCursors | undefined;
  now?: () => number;
}

const BATCH_MAX = 1000;
/** The ministry answers at most this many feed items per pull (routes-sms.ts FEED_PAGE). */
const FEED_PAGE = 500;

interface Pending {
  part: SubmitPart;
  resolve: (outcome: SubmitOutcome) => void;
}

interface Group {
  text: string;
  extCode: string;
  items: Pending[];
  mobiles: Set<string>;
}

type LinkState = GatewayState;

/** A field of the ministry's JSON as text: strings and numbers as written, anything else empty. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function createMinistryGateway(config: GatewayConfig, deps: MinistryGatewayDeps): Gateway {
  return new MinistryGateway(config, deps);
}

class MinistryGateway implements Gateway {
  readonly textProfile: TextProfile = 'cn';
  readonly wholeMessages = true;
  private readonly options: MinistryOptions;
  private readonly poster: JsonPoster;
  private readonly now: () => number;
  private handlers: GatewayHandlers | null = null;
  private state: LinkState = 'idle';
  private lastError: string | null = null;
  private groups = new Map<string, Group[]>();
  private queuedCount = 0;
  private inFlightNumbers = 0;
  private inFlightRequests = 0;
  private flushScheduled = false;
  private nextSendAt = 0;
  private readonly sends = new Set<Promise<void>>();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private closing = false;
  private readonly cursors = new Map<FeedName, string>();
  private readonly counters: GatewayStatus['counters'] = {
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
  }

  start(handlers: GatewayHandlers): void {
    if (this.handlers) return;
    this.handlers = handlers;
    this.setState('connecting', null);
    this.loop = this.run();
  }

  capacity(): number {
    if (this.state !== 'bound') return 0;
    return Math.max(0, this.config.window * BATCH_MAX - this.queuedCount - this.inFlightNumbers);
  }

  submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    if (this.state !== 'bound' || this.closing) {
      this.counters.retried += parts.length;
      const reason = this.lastError ?? `ministry link ${this.state}`;
      return Promise.resolve(parts.map(() => ({ kind: 'retry', code: 'LINK_DOWN', reason })));
    }
    return Promise.all(
      parts.map(
        (part) =>
          new Promise<SubmitOutcome>((resolve) => {
            this.enqueue({ part, resolve });
          }),
      ),
    );
  }

  status(): GatewayStatus {
    return {
      id: this.config.id,
      protocol: this.config.protocol,
      state: this.state,
      bound: this.state === 'bound' ? 1 : 0,
      inFlight: this.inFlightNumbers,
      queued: this.queuedCount,
      window: this.config.window,
      tps: this.config.tps,
      counters: { ...this.counters },
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.setState('unbinding', this.lastError);
    this.flush();
    this.wake?.();
    await Promise.allSettled([...this.sends]);
    await this.loop;
    // Whatever never left goes back to the dispatcher as "not sent".
    for (const list of this.groups.values())
      for (const g of list)
        for (const item of g.items) item.resolve({ kind: 'retry', code: 'CLOSED', reason: 'link closed' });
    this.groups.clear();
    this.queuedCount = 0;
    this.poster.close();
    this.setState('closed', this.lastError);
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────

  private setState(state: LinkState, error: string | null): void {
    const changed = state !== this.state || error !== this.lastError;
    this.state = state;
    this.lastError = error;
    if (changed) this.handlers?.state?.(this.status());
  }

  /** A request failed in a way that says the link is not usable now. */
  private linkTrouble(answer: HttpAnswer | { kind: 'code'; code: number; msg: string }): void {
    if (this.closing) return;
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

  /** Read after an await: close() may have run meanwhile. */
  private stopped(): boolean {
    return this.closing;
  }

  private credentials(): { appName: string; password: string } {
    return { appName: this.config.account, password: this.config.secret };
  }

  private sleep(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve();
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
    while (!this.closing) {
      if (this.state !== 'bound') {
        const ok = await this.probe();
        if (this.stopped()) break;
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
      try {
        busy = (await this.follow('reports')) || busy;
        busy = (await this.follow('replies')) || busy;
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
    this.scheduleFlush();
    return true;
  }

  // ── feeds ──────────────────────────────────────────────────────────────────────────────────

  private async cursorOf(feed: FeedName): Promise<string> {
    let cursor = this.cursors.get(feed);
    if (cursor === undefined) {
      cursor = (await this.deps.cursors?.load(this.config.id, feed)) ?? '0';
      this.cursors.set(feed, cursor);
    }
    return cursor;
  }

  /** One page of a feed, stored, then the cursor moved. True when more may be waiting. */
  private async follow(feed: FeedName): Promise<boolean> {
    const handlers = this.handlers;
    if (!handlers || this.state !== 'bound') return false;
    const cursor = await this.cursorOf(feed);
    const answer = await this.poster.post(`/api/sms/${feed}`, { ...this.credentials(), cursor });
    if (answer.kind !== 'answer' || answer.status !== 200) {
      this.linkTrouble(answer);
      return false;
    }
    const body = (answer.body ?? {}) as Record<string, unknown>;
    if (meaningOf(body.code).kind !== 'ok') {
      this.linkTrouble({ kind: 'code', code: Number(body.code), msg: text(body.msg) });
      return false;
    }
    const items = Array.isArray(body[feed]) ? (body[feed] as Record<string, unknown>[]) : [];
    const received = this.now();
    if (feed === 'reports') {
      await Promise.all(
        items.map((r) => {
          this.counters.reports++;
          return handlers.report({
            gatewayId: this.config.id,
            carrierMsgId: text(r.msgId),
            stat: statOf(text(r.status), typeof r.stat === 'string' ? r.stat : null),
            mobile: text(r.mobile),
            doneAt: timeOf(r.doneTime, received),
            receivedAt: received,
          });
        }),
      );
    } else {
      // In order: a citizen's answers to one survey keep their sequence.
      for (const r of items) {
        this.counters.uplinks++;
        const sub = typeof r.subExtCode === 'string' ? r.subExtCode : '';
        await handlers.uplink({
          gatewayId: this.config.id,
          carrierMsgId: `reply-${text(r.replyId)}`,
          mobile: text(r.mobile),
          destId: this.config.spNumber + sub,
          text: text(r.text),
          receivedAt: timeOf(r.receivedTime, received),
          concat: null,
        });
      }
    }
    const next = typeof body.nextCursor === 'string' ? body.nextCursor : cursor;
    if (next !== cursor) {
      await this.deps.cursors?.save(this.config.id, feed, next);
      this.cursors.set(feed, next);
    }
    return items.length >= FEED_PAGE;
  }

  // ── downlink ───────────────────────────────────────────────────────────────────────────────

  private enqueue(item: Pending): void {
    const sp = this.config.spNumber;
    const extCode = item.part.srcId.startsWith(sp) ? item.part.srcId.slice(sp.length) : item.part.srcId;
    const key = `${extCode}\u0000${item.part.segment.text}`;
    const list = this.groups.get(key) ?? [];
    // One number once per request (the ministry sends a repeated number once).
    let group = list.find((g) => g.items.length < BATCH_MAX && !g.mobiles.has(item.part.mobile));
    if (!group) {
      group = { text: item.part.segment.text, extCode, items: [], mobiles: new Set() };
      list.push(group);
      this.groups.set(key, list);
    }
    group.items.push(item);
    group.mobiles.add(item.part.mobile);
    this.queuedCount++;
    this.scheduleFlush();
  }

  /** Parts handed over in one turn of the event loop travel together. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    for (const [key, list] of this.groups) {
      while (list.length > 0) {
        if (this.inFlightRequests >= this.config.window && !this.closing) return;
        const wait = this.nextSendAt - this.now() - 1000;
        if (wait > 0 && !this.closing) {
          setTimeout(() => this.scheduleFlush(), wait).unref();
          return;
        }
        const group = list.shift();
        if (!group) break;
        this.queuedCount -= group.items.length;
        // Pace by `tps` numbers a second, a second's burst allowed.
        this.nextSendAt =
          Math.max(this.nextSendAt, this.now()) + (group.items.length * 1000) / this.config.tps;
        this.track(this.send(group));
      }
      this.groups.delete(key);
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => {
      this.sends.delete(tracked);
      if (this.groups.size > 0) this.scheduleFlush();
    });
    this.sends.add(tracked);
  }

  private async send(group: Group): Promise<void> {
    const items = group.items;
    const settle = (outcome: (item: Pending) => SubmitOutcome): void => {
      for (const item of items) {
        const o = outcome(item);
        this.counters[o.kind === 'accepted' ? 'accepted' : o.kind === 'retry' ? 'retried' : o.kind]++;
        item.resolve(o);
      }
    };
    if (this.closing || this.state !== 'bound') {
      settle(() => ({
        kind: 'retry',
        code: 'LINK_DOWN',
        reason: this.lastError ?? `ministry link ${this.state}`,
      }));
      return;
    }
    this.inFlightRequests++;
    this.inFlightNumbers += items.length;
    this.counters.submitted += items.length;
    let answer: HttpAnswer;
    try {
      answer = await this.poster.post('/api/sms/send', {
        ...this.credentials(),
        mobiles: items.map((i) => i.part.mobile),
        content: group.text,
        islong: 1,
        ...(group.extCode !== '' && { extCode: group.extCode }),
        // The province applied its own sending rules (TD, quiet hours, limits) before it queued them.
        category: 'result',
        clientMsgId: batchKey(
          'fed',
          items.map((i) => i.part.messageId),
        ),
      });
    } finally {
      this.inFlightRequests--;
      this.inFlightNumbers -= items.length;
    }
    if (answer.kind === 'unsent') {
      this.linkTrouble(answer);
      settle(() => ({ kind: 'retry', code: 'UNREACHABLE', reason: answer.reason }));
      return;
    }
    if (answer.kind === 'unanswered' || answer.status !== 200) {
      const reason = answer.kind === 'unanswered' ? answer.reason : `HTTP ${answer.status}`;
      this.linkTrouble(answer);
      settle(() => ({ kind: 'unanswered', code: 'NO_ANSWER', reason }));
      return;
    }
    const body = (answer.body ?? {}) as {
      code?: unknown;
      msg?: unknown;
      msgIds?: { mobile?: unknown; msgId?: unknown }[];
    };
    const code = Number(body.code);
    const msg = text(body.msg);
    const meaning = meaningOf(code);
    switch (meaning.kind) {
      case 'ok': {
        const byMobile = new Map<string, string>();
        for (const m of body.msgIds ?? []) byMobile.set(text(m.mobile), text(m.msgId));
        settle((item) => {
          const id = byMobile.get(item.part.mobile);
          return id
            ? { kind: 'accepted', carrierMsgId: id }
            : {
                kind: 'rejected',
                code: 'MINISTRY_NO_ID',
                reason: 'the ministry answered no message id for this number',
              };
        });
        return;
      }
      case 'refused':
      case 'paused':
        this.linkTrouble({ kind: 'code', code, msg });
        settle(() => ({ kind: 'retry', code: `MINISTRY_${code}`, reason: msg }));
        return;
      case 'rejected':
        settle(() => ({ kind: 'rejected', code: `MINISTRY_${code}`, reason: msg }));
        return;
      case 'retry':
        settle(() => ({ kind: 'retry', code: `MINISTRY_${code}`, reason: msg }));
        return;
    }
  }
}
