/**
 * Nothing accepted is lost (docs/design.md §6): the platform is killed with SIGKILL while thousands of
 * messages are in flight, restarted, and every accepted message still reaches the handset. Parts
 * may go out twice only where no carrier answer was stored; the simulator's duplicate count must
 * stay within the platform's own count of such resubmissions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/connect.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';
import { simInbox, TestProcesses } from '../helpers/serve.js';

const REQUESTS = 40;
const PER_REQUEST = 100;

for (const dialect of DIALECTS) {
  test(`${dialect}: SIGKILL mid-flight loses no accepted message`, async (t) => {
    const processes = new TestProcesses();
    const target = await createTestDatabase(dialect);
    t.after(async () => {
      await processes.close();
      await target.drop();
    });

    const simulator = await processes.simulator({ secret: 'crash-secret', dlrDelayMs: 20 });
    const { controlUrl } = simulator;
    const setup = await openDatabase(target.url);
    await createTestApp(setup.db, 'hrss', { balance: 1_000_000 });
    await setup.close();

    const server = await processes.serve(
      'crash',
      {
        database: { url: target.url },
        console: { enabled: false },
        metrics: { port: 0 },
        gateways: [
          {
            id: 'cmcc-1',
            protocol: 'cmpp3',
            host: '127.0.0.1',
            port: simulator.port,
            account: '901234',
            secret: 'crash-secret',
            spNumber: '1065712333',
            carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
            connections: 2,
            window: 16,
            tps: 1000,
            requestTimeoutMs: 2000,
            reconnectMinMs: 50,
            reconnectMaxMs: 500,
          },
        ],
        dispatcher: { pollMs: 20, sweepMs: 200 },
        log: { level: 'warn' },
      },
      30_000,
    );
    const apiPort = server.port;

    // Every message has its own number and text, so the handset side can tell a duplicate.
    const accepted = new Map<string, string>();
    const run = { killed: false };
    const send = async (i: number): Promise<void> => {
      const mobiles = Array.from(
        { length: PER_REQUEST },
        (_, j) => `138${String(i * PER_REQUEST + j).padStart(8, '0')}`,
      );
      const long = i % 4 === 0;
      const content = long ? `第${i}批长短信：${'养老保险待遇资格认证提醒。'.repeat(8)}` : `第${i}批通知`;
      try {
        const res = await fetch(`http://127.0.0.1:${apiPort}/api/sms/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            appName: 'hrss',
            password: TEST_PASSWORD,
            mobiles,
            content,
            islong: long ? 1 : 0,
          }),
        });
        const body = (await res.json()) as { code: number };
        if (body.code === 1) for (const m of mobiles) accepted.set(m, `【人社局】${content}`);
      } catch {
        // The request died with the server: it was never answered 1, so it owes nothing.
      }
    };
    const sending = (async () => {
      for (let i = 0; i < REQUESTS && !run.killed; i += 4)
        await Promise.all([i, i + 1, i + 2, i + 3].map(send));
    })();

    // Kill once the carrier is receiving and thousands are accepted (the 1000/s TPS keeps them queued).
    await eventually(
      async () => {
        const stats = (await (await fetch(`${controlUrl}/sim/stats`)).json()) as { submits: number };
        return stats.submits >= 300 && accepted.size >= 2000 ? true : undefined;
      },
      60_000,
      'submits under way',
    );
    await server.kill('SIGKILL');
    run.killed = true;
    await sending;

    const db = await openDatabase(target.url);
    t.after(() => db.close());
    const pendingAtKill = await db.db
      .selectFrom('messages')
      .select('id')
      .where('status', 'in', ['QUEUED', 'SENDING', 'SUBMITTED'])
      .execute();
    assert.ok(
      pendingAtKill.length >= 1000,
      `the kill happened with ${pendingAtKill.length} messages in flight`,
    );

    await server.restart();
    await eventually(
      async () => {
        const pending = await db.db
          .selectFrom('messages')
          .select('id')
          .where('status', 'in', ['QUEUED', 'SENDING', 'SUBMITTED'])
          .execute();
        return pending.length === 0 ? true : undefined;
      },
      120_000,
      'every message final after restart',
    );

    const inbox = await simInbox(controlUrl);
    const received = new Map<string, number>();
    for (const e of inbox)
      received.set(`${e.mobile}|${e.text}`, (received.get(`${e.mobile}|${e.text}`) ?? 0) + 1);
    const missing = [...accepted].filter(([mobile, text]) => !received.has(`${mobile}|${text}`));
    assert.deepEqual(
      missing.slice(0, 5),
      [],
      `${missing.length} accepted messages never reached the handset`,
    );

    const statuses = await db.db.selectFrom('messages').select(['mobile', 'status']).execute();
    const notDelivered = statuses.filter((s) => accepted.has(s.mobile) && s.status !== 'DELIVERED');
    assert.deepEqual(notDelivered.slice(0, 5), [], 'every accepted message ends DELIVERED');

    const simStats = (await (await fetch(`${controlUrl}/sim/stats`)).json()) as {
      duplicates: number;
      segments: number;
    };
    const resubmits = await db.db
      .selectFrom('messages')
      .select((eb) => eb.fn.sum<number | null>('resubmits').as('n'))
      .executeTakeFirstOrThrow();
    const possible = resubmits.n ?? 0;
    t.diagnostic(
      `accepted ${accepted.size}, in flight at kill ${pendingAtKill.length}, duplicate segments ${simStats.duplicates}, counted resubmissions ${possible}`,
    );
    assert.ok(
      simStats.duplicates <= possible,
      `duplicates ${simStats.duplicates} within the counted ${possible}`,
    );
  });
}
