/**
 * The simulator's control HTTP (docs/design.md §4.5) over a real port, driving a CMPP 3.0 simulator with a
 * bound test SP: uplinks in, handsets and counters out, settings and reset.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/shared/log.js';
import { decodeCmppReport } from '../../../src/protocols/cmpp/index.js';
import {
  buildControlApp,
  startSimulator,
  type InboxEntry,
  type Simulator,
  type SimulatorStats,
} from '../../../src/protocols/simulator/index.js';
import { TestCmppClient, ucs2 } from './cmpp-client.js';

interface Rig {
  sim: Simulator;
  client: TestCmppClient;
  call: (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; json: Record<string, unknown> }>;
}

async function rig(t: TestContext): Promise<Rig> {
  const sim = await startSimulator({
    protocol: 'cmpp3',
    port: 0,
    controlPort: 0,
    account: '901234',
    secret: 's',
    dlrDelayMs: 5,
  });
  t.after(() => sim.close());
  assert.ok(sim.controlPort !== null && sim.controlPort > 0);
  const client = await TestCmppClient.open(sim.port, 'cmpp3');
  t.after(() => client.close());
  assert.equal((await client.login('901234', 's')).status, 0);
  const base = `http://127.0.0.1:${sim.controlPort}`;
  return {
    sim,
    client,
    call: async (method, path, body) => {
      const res = await fetch(`${base}${path}`, {
        method,
        ...(body !== undefined && {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
  };
}

test('POST /sim/mo queues an uplink; a missing or bad field is a 400 that says which', async (t) => {
  const { client, call } = await rig(t);
  const ok = await call('POST', '/sim/mo', { from: '13800138000', to: '10657123330199', text: 'CBXX#' });
  assert.deepEqual(ok, { status: 200, json: { ok: true, segments: 1 } });
  const mo = await client.next('CMPP_DELIVER');
  assert.equal(mo.srcTerminalId, '13800138000');
  assert.equal(mo.destId, '10657123330199');
  assert.equal(mo.msgContent.toString('latin1'), 'CBXX#');

  const missing = await call('POST', '/sim/mo', { from: '13800138000', text: 'x' });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.ok, false);
  assert.match(String(missing.json.error), /body\.to: .*missing/);
  const bad = await call('POST', '/sim/mo', { from: 'citizen', to: '1065712333', text: 'x' });
  assert.equal(bad.status, 400);
  assert.match(String(bad.json.error), /from/);
  const notJson = await call('POST', '/sim/mo', '{"from":');
  assert.equal(notJson.status, 400);
});

test('GET /sim/inbox per handset and for all, with paging; GET /sim/stats', async (t) => {
  const { client, call } = await rig(t);
  await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('第一条') });
  await client.submit({ destTerminalId: ['13900139000'], msgContent: ucs2('第二条') });
  await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('第三条') });

  const one = await call('GET', '/sim/inbox?mobile=13800138000');
  assert.equal(one.status, 200);
  assert.equal(one.json.mobile, '13800138000');
  const messages = one.json.messages as InboxEntry[];
  assert.deepEqual(
    messages.map((m) => m.text),
    ['第一条', '第三条'],
  );
  assert.equal(messages[0]?.from, '1065712333');
  assert.match(messages[0].receivedAt, /^\d{4}-\d\d-\d\dT/);

  const all = await call('GET', '/sim/inbox');
  assert.deepEqual(
    (all.json.messages as InboxEntry[]).map((m) => m.text),
    ['第一条', '第二条', '第三条'],
  );
  assert.equal(all.json.total, 3);
  const page = await call('GET', '/sim/inbox?limit=1&offset=1');
  assert.deepEqual(
    (page.json.messages as InboxEntry[]).map((m) => m.mobile),
    ['13900139000'],
  );
  assert.equal((await call('GET', '/sim/inbox?limit=0')).status, 400);

  const stats = (await call('GET', '/sim/stats')).json as unknown as SimulatorStats;
  assert.equal(stats.submits, 3);
  assert.equal(stats.messages, 3);
  assert.equal(stats.connections, 1);
  assert.deepEqual(Object.keys(stats).sort(), [
    'authFailures',
    'binds',
    'connections',
    'delivered',
    'duplicates',
    'failed',
    'messages',
    'reportsAcked',
    'reportsPending',
    'reportsSent',
    'segments',
    'submits',
    'uplinksAcked',
    'uplinksSent',
  ]);
});

test('POST /sim/config changes behaviour; bad settings are a 400; POST /sim/reset clears', async (t) => {
  const { sim, client, call } = await rig(t);
  const changed = await call('POST', '/sim/config', { failRate: 1 });
  assert.equal(changed.status, 200);
  assert.deepEqual(changed.json.config, {
    dlrDelayMs: 5,
    failRate: 1,
    submitResult: 0,
    answerSubmits: true,
    loginTimeoutMs: 10_000,
  });
  await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('失败') });
  const report = decodeCmppReport((await client.next('CMPP_DELIVER')).msgContent);
  assert.ok(report.ok);
  assert.equal(report.value.stat, 'UNDELIV');

  assert.equal((await call('POST', '/sim/config', { failRate: 2 })).status, 400);
  assert.equal((await call('POST', '/sim/config', { colour: 'red' })).status, 400);
  assert.equal(sim.stats().failed, 1);

  assert.deepEqual((await call('POST', '/sim/reset')).json, { ok: true });
  assert.equal(sim.inbox().length, 0);
  assert.equal(sim.stats().submits, 0);
  assert.equal(sim.stats().connections, 1, 'links stay');
  await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('恢复') });
  const after = decodeCmppReport((await client.next('CMPP_DELIVER')).msgContent);
  assert.ok(after.ok);
  assert.equal(after.value.stat, 'DELIVRD', 'reset restores the starting settings');
});

test('unknown paths are a JSON 404 (inject, no port)', async () => {
  const app = buildControlApp(
    {
      inboxPage: () => ({ messages: [], total: 0 }),
      stats: () => {
        throw new Error('unused');
      },
      injectMo: () => Promise.resolve({ segments: 1 }),
      configure: () => ({
        dlrDelayMs: 0,
        failRate: 0,
        submitResult: 0,
        answerSubmits: true,
        loginTimeoutMs: 10_000,
      }),
      reset: () => undefined,
    },
    silentLogger(),
  );
  const res = await app.inject({ method: 'GET', url: '/sim/nothing' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json<{ ok: boolean }>().ok, false);
  const stats = await app.inject({ method: 'GET', url: '/sim/stats' });
  assert.equal(stats.statusCode, 500);
  await app.close();
});
