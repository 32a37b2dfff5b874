/**
 * A failed callback batch sent again on request (docs/callbacks.md "Console"), and the reply
 * callback's items being the pull call's (README "POST /api/sms/replies", `subExtCode` included):
 * a receiver refuses a report batch until it is given up, then takes it when an operator asks for
 * it again — before the newer batch, with its first delivery id — and the failure is gone. On
 * both databases, with the deliverer's clock moved past `retryHours`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { validateConfig } from '../../src/config/load.js';
import { CallbackDeliverer } from '../../src/pipeline/callbacks.js';
import { silentLogger } from '../../src/shared/log.js';
import { requestCallbackRetry } from '../../src/store/callback-failures.js';
import { callbackStatus } from '../../src/store/callbacks.js';
import { IdAllocator } from '../../src/store/ids.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

const HOUR = 3_600_000;

interface Post {
  path: string;
  delivery: string;
  body: { appName: string; reports?: { msgId: string }[]; replies?: Record<string, unknown>[] };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a given-up batch goes again on request, first; replies carry subExtCode`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const db = store.db;
    const posts: Post[] = [];
    let accept = false;
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        posts.push({
          path: req.url ?? '',
          delivery: String(req.headers['x-sms12333-delivery']),
          body: JSON.parse(text) as Post['body'],
        });
        res.writeHead(accept || req.url === '/replies' ? 204 : 503).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => receiver.close(r)));
    const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;

    const app = await createTestApp(db, 'hrss', { extCode: '01' });
    await db
      .updateTable('apps')
      .set({ report_url: `${base}/reports`, reply_url: `${base}/replies`, callback_secret_enc: 'secret' })
      .where('id', '=', app.id)
      .execute();
    const report = (seq: number) => ({
      id: 1000 + seq,
      seq,
      app_id: app.id,
      message_id: 500 + seq,
      mobile: '13800138000',
      status: 'DELIVERED',
      stat: 'DELIVRD',
      done_at: 0,
      created_at: 0,
    });
    await db
      .insertInto('delivery_reports')
      .values([report(1), report(2)])
      .execute();
    await db
      .insertInto('uplink_messages')
      .values({
        id: 77,
        seq: 1,
        gateway_id: 'g',
        carrier_msg_id: 'm',
        mobile: '13800138000',
        dest_id: '106571233301',
        ext: '0123',
        app_id: app.id,
        text: '收到',
        concat_ref: null,
        concat_total: null,
        concat_part: null,
        received_at: 0,
        status: 'NEW',
        secret_enc: null,
        text_enc: null,
        handled_at: 0,
        claimed_until: null,
      })
      .execute();

    let clock = Date.UTC(2026, 11, 7);
    const settings = validateConfig({
      callbacks: { retryHours: 1, firstRetryMs: 100, maxRetryMs: 1000, timeoutMs: 2000 },
    }).callbacks;
    const deliverer = new CallbackDeliverer({
      handle: store,
      ids: new IdAllocator(db, 10),
      owner: 'test-owner',
      settings,
      open: (token) => token,
      logger: silentLogger(),
      now: () => clock,
    });
    t.after(() => deliverer.stop());
    const until = (what: string, check: () => boolean) =>
      eventually(
        () => {
          deliverer.wake();
          return check() ? true : undefined;
        },
        10_000,
        what,
      );

    await until(
      'a refused report batch and the reply',
      () => posts.some((p) => p.path === '/reports') && posts.some((p) => p.path === '/replies'),
    );
    const reply = posts.find((p) => p.path === '/replies')?.body.replies?.[0] ?? {};
    assert.deepEqual(Object.keys(reply).sort(), [
      'destId',
      'extCode',
      'mobile',
      'receivedTime',
      'replyId',
      'subExtCode',
      'text',
    ]);
    assert.equal(reply.subExtCode, '23');
    assert.equal(reply.extCode, '0123');

    await eventually(async () => ((await callbackStatus(db, app.id))[0]?.attempts === 1 ? true : undefined));
    // Past retryHours: the next attempt gives the batch up and the cursor moves past it.
    clock += 2 * HOUR;
    await until('the batch given up', () => posts.filter((p) => p.path === '/reports').length >= 2);
    await eventually(async () => {
      const [feed] = await callbackStatus(db, app.id);
      return feed?.failedBatches === 1 ? feed : undefined;
    });
    const refusedId = posts.find((p) => p.path === '/reports')?.delivery;
    assert.equal(refusedId, `report-${app.id}-1-2`);

    // The receiver is fixed and a newer report arrives; the operator asks for the failed one.
    accept = true;
    await db.insertInto('delivery_reports').values(report(3)).execute();
    const asked = await requestCallbackRetry(db, app.id, ['report', 'reply'], clock);
    assert.equal(asked.requeued, 1);
    await until('both batches taken', () =>
      posts.some((p) => p.path === '/reports' && p.delivery === `report-${app.id}-3-3`),
    );
    const taken = posts.slice(-2).map((p) => [p.delivery, p.body.reports?.map((r) => r.msgId)]);
    assert.deepEqual(taken, [
      [`report-${app.id}-1-2`, ['501', '502']],
      [`report-${app.id}-3-3`, ['503']],
    ]);
    // The receiver has answered; the cursor moves just after.
    const after = await eventually(async () => {
      const [feed] = await callbackStatus(db, app.id);
      return feed?.delivered === 3 ? feed : undefined;
    });
    assert.equal(after.failedBatches, 0);
    assert.equal(after.retryRequested, 0);
  });
}
