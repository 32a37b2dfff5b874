/**
 * The ministry link's downlink (docs/federation.md §4): each message is one part with the whole
 * text; parts with the same text and extension are sent together, at most 1000 numbers per
 * `/api/sms/send`, `clientMsgId` derived from the local message ids (mapping.ts `batchKey`), so a
 * batch sent again after a lost answer is replayed by the ministry, never sent twice. The
 * ministry's message id is the part's carrier id. Paced by `tps` numbers a second, at most
 * `window` requests at once.
 */
import type { SubmitOutcome, SubmitPart } from '../gateway.js';
import { text, type LinkContext } from './context.js';
import type { HttpAnswer } from './http.js';
import { batchKey, meaningOf } from './mapping.js';

export const BATCH_MAX = 1000;

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

export class Downlink {
  private groups = new Map<string, Group[]>();
  private queuedCount = 0;
  private inFlightNumbers = 0;
  private inFlightRequests = 0;
  private flushScheduled = false;
  private nextSendAt = 0;
  private readonly sends = new Set<Promise<void>>();

  constructor(private readonly link: LinkContext) {}

  /** Numbers waiting to go. */
  get queued(): number {
    return this.queuedCount;
  }

  /** Numbers in requests not yet answered. */
  get inFlight(): number {
    return this.inFlightNumbers;
  }

  submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    return Promise.all(
      parts.map(
        (part) =>
          new Promise<SubmitOutcome>((resolve) => {
            this.enqueue({ part, resolve });
          }),
      ),
    );
  }

  /** Sends what is queued, waits for every request, and gives back as "not sent" what never left. */
  async close(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.sends]);
    for (const list of this.groups.values())
      for (const g of list)
        for (const item of g.items) item.resolve({ kind: 'retry', code: 'CLOSED', reason: 'link closed' });
    this.groups.clear();
    this.queuedCount = 0;
  }

  private enqueue(item: Pending): void {
    const sp = this.link.config.spNumber;
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
  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const { config } = this.link;
    const closing = this.link.closing();
    for (const [key, list] of this.groups) {
      while (list.length > 0) {
        if (this.inFlightRequests >= config.window && !closing) return;
        const wait = this.nextSendAt - this.link.now() - 1000;
        if (wait > 0 && !closing) {
          setTimeout(() => this.scheduleFlush(), wait).unref();
          return;
        }
        const group = list.shift();
        if (!group) break;
        this.queuedCount -= group.items.length;
        // Pace by `tps` numbers a second, a second's burst allowed.
        this.nextSendAt =
          Math.max(this.nextSendAt, this.link.now()) + (group.items.length * 1000) / config.tps;
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
    const { link } = this;
    const items = group.items;
    const settle = (outcome: (item: Pending) => SubmitOutcome): void => {
      for (const item of items) {
        const o = outcome(item);
        link.counters[o.kind === 'accepted' ? 'accepted' : o.kind === 'retry' ? 'retried' : o.kind]++;
        item.resolve(o);
      }
    };
    if (!link.usable()) {
      settle(() => ({ kind: 'retry', code: 'LINK_DOWN', reason: link.downReason() }));
      return;
    }
    this.inFlightRequests++;
    this.inFlightNumbers += items.length;
    link.counters.submitted += items.length;
    let answer: HttpAnswer;
    try {
      answer = await link.poster.post('/api/sms/send', {
        ...link.credentials(),
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
      link.linkTrouble(answer);
      settle(() => ({ kind: 'retry', code: 'UNREACHABLE', reason: answer.reason }));
      return;
    }
    if (answer.kind === 'unanswered' || answer.status !== 200) {
      const reason = answer.kind === 'unanswered' ? answer.reason : `HTTP ${answer.status}`;
      link.linkTrouble(answer);
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
        link.linkTrouble({ kind: 'code', code, msg });
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
