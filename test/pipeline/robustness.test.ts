/**
 * The pipeline through carrier trouble, on real simulators: a peer that stops answering, flow
 * control, a link that goes away with another one left, and a wrong password. Nothing accepted is
 * lost; nothing is sent twice beyond the parts that were never answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

async function send(tp: TestPlatform, count: number, tag: string): Promise<string[]> {
  const mobiles = Array.from({ length: count }, (_, i) => `1390000${String(i).padStart(4, '0')}`);
  const r = await tp.post('/api/sms/send', {
    appName: tp.appName,
    password: tp.password,
    mobiles,
    content: `${tag}通知`,
  });
  assert.equal(r.json.code, 1, JSON.stringify(r.json));
  return (r.json.msgIds as { msgId: string }[]).map((m) => m.msgId);
}

async function statuses(tp: TestPlatform): Promise<Map<string, number>> {
  const rows = await tp.platform.handle.db.selectFrom('messages').select('status').execute();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.status, (out.get(r.status) ?? 0) + 1);
  return out;
}

const allDelivered = (tp: TestPlatform, n: number) =>
  eventually(
    async () => ((await statuses(tp)).get('DELIVERED') === n ? true : undefined),
    30_000,
    `${n} delivered`,
  );

for (const dialect of DIALECTS) {
  test(`${dialect}: a silent peer, then flow control: everything is delivered, duplicates within the count`, async (t) => {
    const tp = await startTestPlatform(dialect, {
      gateway: { requestTimeoutMs: 300 },
      config: { sending: { retryMinMs: 50, retryMaxMs: 200 } },
    });
    t.after(() => tp.close());
    tp.sim.configure({ answerSubmits: false });
    await send(tp, 40, '静默');
    await eventually(() => (tp.sim.stats().submits >= 20 ? true : undefined));
    tp.sim.configure({ answerSubmits: true, submitResult: 8 });
    await eventually(
      async () => ((await statuses(tp)).get('QUEUED') ? true : undefined),
      10_000,
      'retries queued',
    );
    tp.sim.configure({ submitResult: 0 });
    await allDelivered(tp, 40);
    const resubmits = await tp.platform.handle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.sum<number | null>('resubmits').as('n'))
      .executeTakeFirstOrThrow();
    const inboxes = Array.from(
      { length: 40 },
      (_, i) => tp.sim.inbox(`1390000${String(i).padStart(4, '0')}`).length,
    );
    assert.ok(
      inboxes.every((n) => n >= 1),
      'every handset got its message',
    );
    const duplicates = inboxes.reduce((a, n) => a + n - 1, 0);
    assert.ok(
      duplicates <= (resubmits.n ?? 0),
      `${duplicates} duplicates within ${resubmits.n ?? 0} counted`,
    );
    assert.equal(tp.sim.stats().duplicates, duplicates);
  });

  test(`${dialect}: traffic is shared by weight while links have room, and fails over when one goes away`, async (t) => {
    const tp = await startTestPlatform(dialect, {
      gateway: { weight: 3, carriers: ['cmcc'], window: 128 },
      links: [{ id: 'cmcc-2', gateway: { weight: 1, carriers: ['cmcc'], window: 128 } }],
    });
    t.after(() => tp.close());
    const second = tp.sims.get('cmcc-2')!;
    await eventually(() =>
      tp.platform.router.linkedCarriers().length > 0 && tp.platform.router.byId('cmcc-2')?.status().bound
        ? true
        : undefined,
    );
    await send(tp, 200, '分流');
    await allDelivered(tp, 200);
    const a = tp.sim.stats().segments;
    const b = second.stats().segments;
    // Both links have room for the whole batch, so the weights alone decide the split.
    assert.deepEqual([a, b], [150, 50]);

    await second.close();
    await send(tp, 50, '切换');
    await allDelivered(tp, 250);
    assert.equal(tp.sim.stats().segments - a, 50, 'the remaining link carried everything');
  });

  test(`${dialect}: a wrong password keeps messages queued, not lost, and says why`, async (t) => {
    const tp = await startTestPlatform(dialect, { gateway: { secret: 'not-the-secret' } });
    t.after(() => tp.close());
    await send(tp, 5, '密码');
    const gateway = tp.platform.router.byId('cmcc-1')!;
    const status = await eventually(() => (gateway.status().lastError ? gateway.status() : undefined));
    assert.equal(status.bound, 0);
    assert.match(String(status.lastError), /auth|认证|ERR_GATEWAY_AUTH/i);
    assert.deepEqual([...(await statuses(tp))], [['QUEUED', 5]]);
    assert.equal(tp.sim.stats().authFailures > 0, true);
  });
}
