/**
 * What the dispatcher records when a send does not happen as planned: a gateway whose submit throws
 * is recorded with its error (not as a missing batch), and a message found past its validity is not
 * sent but ends EXPIRED. Every part it does send carries the message's validity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher } from '../../src/pipeline/dispatcher.js';
import { Router } from '../../src/pipeline/router.js';
import { EventWriter } from '../../src/pipeline/writer.js';
import type {
  Gateway,
  GatewayConfig,
  GatewayStatus,
  SubmitOutcome,
  SubmitPart,
} from '../../src/protocols/gateway.js';
import { silentLogger } from '../../src/shared/log.js';
import { admitGroup, NO_SENDING_RULES } from '../../src/store/admission.js';
import { IdAllocator } from '../../src/store/ids.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

const CONFIG: GatewayConfig = {
  id: 'g1',
  protocol: 'cmpp3',
  host: '127.0.0.1',
  port: 1,
  account: 'a',
  secret: 's',
  spNumber: '1065712333',
  serviceId: '',
  carriers: ['cmcc'],
  connections: 1,
  window: 16,
  tps: 1000,
  requestTimeoutMs: 1000,
  keepaliveMs: 60_000,
  reconnectMinMs: 10,
  reconnectMaxMs: 20,
  weight: 1,
};

/** A bound gateway that throws on its first submit and accepts afterwards, keeping what it was given. */
class ScriptedGateway implements Gateway {
  readonly config = CONFIG;
  readonly textProfile = 'cn' as const;
  readonly parts: SubmitPart[] = [];
  private calls = 0;
  start(): void {}
  capacity(): number {
    return 16;
  }
  submit(parts: readonly SubmitPart[]): Promise<SubmitOutcome[]> {
    if (this.calls++ === 0) return Promise.reject(new Error('socket write failed'));
    this.parts.push(...parts);
    return Promise.resolve(
      parts.map((_, i) => ({ kind: 'accepted' as const, carrierMsgId: `c${this.calls}-${i}` })),
    );
  }
  status(): GatewayStatus {
    const counters = {
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
    return {
      id: 'g1',
      protocol: 'cmpp3',
      state: 'bound',
      bound: 1,
      inFlight: 0,
      queued: 0,
      window: 16,
      tps: 1000,
      counters,
      lastError: null,
    };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a throwing gateway is recorded as GATEWAY_ERROR and retried; a message past its validity ends EXPIRED unsent`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const ids = new IdAllocator(store.db);
    const app = await createTestApp(store.db, 'd', { balance: 10 });
    const start = Date.now();
    let now = start;
    const clock = () => now;
    const admit = (mobile: string, validityMs: number) =>
      admitGroup(
        store.db,
        store.caps,
        ids,
        [
          {
            appId: app.id,
            clientMsgId: null,
            signature: '【人社】',
            content: mobile,
            srcExt: '',
            islong: false,
            category: 'notice',
            sendAt: null,
            recipients: [{ mobile, carrier: 'cmcc', segments: 1 }],
            validityMs,
          },
        ],
        start,
        NO_SENDING_RULES,
      );
    await admit('13800138000', 3_600_000);
    const settings = {
      reportDeadlineMs: 60_000,
      validityMs: 3_600_000,
      maxAttempts: 5,
      retryMinMs: 1,
      retryMaxMs: 1,
    };
    const writer = new EventWriter(store, ids, settings, { now: clock });
    const gateway = new ScriptedGateway();
    const dispatcher = new Dispatcher(
      store,
      new Router([gateway]),
      writer,
      { owner: 'o1', claimBatch: 10, pollMs: 10, leaseMs: 30_000 },
      silentLogger(),
      clock,
    );
    const message = (mobile: string) =>
      store.db.selectFrom('messages').selectAll().where('mobile', '=', mobile).executeTakeFirstOrThrow();
    dispatcher.start();
    try {
      const retried = await eventually(async () => {
        const m = await message('13800138000');
        return m.error !== null ? m : undefined;
      });
      assert.match(retried.error ?? '', /^GATEWAY_ERROR .*socket write failed/);
      now += 10;
      dispatcher.wake();
      const sent = await eventually(async () => {
        const m = await message('13800138000');
        return m.status === 'SUBMITTED' ? m : undefined;
      });
      assert.equal(sent.error, null);
      assert.equal(gateway.parts[0]?.validUntil, start + 3_600_000, 'the carrier is told the validity');

      // A second message, admitted with a validity that has passed by the time it is claimed.
      await admit('13900139000', 5);
      now += 10;
      dispatcher.wake();
      const expired = await eventually(async () => {
        const m = await message('13900139000');
        return m.status === 'EXPIRED' ? m : undefined;
      });
      assert.equal(expired.stat, 'EXPIRED');
      assert.equal(gateway.parts.length, 1, 'nothing was sent for it');
    } finally {
      await dispatcher.stop();
      await writer.close();
    }
  });
}
