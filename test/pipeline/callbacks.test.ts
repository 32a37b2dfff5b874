/**
 * Push callbacks (docs/callbacks.md): a real HTTP receiver that refuses its first three report
 * POSTs, then takes them, gets every final report exactly once, in feed order, each POST signed
 * with the secret `sms12333 app add` printed — across a kill -9 of the platform between its
 * failed attempts. A citizen's reply reaches the reply address likewise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, runCli, waitForHttp, type ChildHandle } from '../../src/bench/processes.js';
import { startPlatform } from '../../src/app/platform.js';
import { runApp } from '../../src/cli/app.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/shared/log.js';
import { retryDelay } from '../../src/pipeline/callbacks.js';
import { startSimulator } from '../../src/protocols/simulator/index.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

const PASSWORD = 'Cb-Passw0rd!';
const REQUESTS = 3;
const PER_REQUEST = 10;

interface Received {
  path: string;
  delivery: string;
  body: { appName: string; reports?: { msgId: string; status: string }[]; replies?: { text: string }[] };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

test('retry delays double from firstRetryMs, stay under maxRetryMs, and are jittered', () => {
  const settings = {
    enabled: true,
    retryHours: 24,
    firstRetryMs: 1000,
    maxRetryMs: 60_000,
    timeoutMs: 1000,
    batchSize: 500,
    pollMs: 100,
    concurrency: 4,
  };
  assert.equal(
    retryDelay(1, settings, () => 1),
    1000,
  );
  assert.equal(
    retryDelay(3, settings, () => 1),
    4000,
  );
  assert.equal(
    retryDelay(3, settings, () => 0),
    2000,
  );
  assert.equal(
    retryDelay(40, settings, () => 1),
    60_000,
  );
});

for (const dialect of DIALECTS) {
  test(`${dialect}: a receiver failing 3 times gets every report once, in order, signed, across kill -9`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sms12333-callbacks-'));
    const target = await createTestDatabase(dialect);
    const sim = await startSimulator({
      protocol: 'cmpp3',
      port: 0,
      controlPort: null,
      account: '901234',
      secret: 'cb-secret',
      dlrDelayMs: 20,
    });
    const children: ChildHandle[] = [];
    const received: Received[] = [];
    const refusals: string[] = [];
    const badSignatures: string[] = [];
    const secret = { value: '' };
    const receiver = createServer((req, res) => {
      void readBody(req).then((body) => {
        const timestamp = String(req.headers['x-sms12333-timestamp'] ?? '');
        const signature = String(req.headers['x-sms12333-signature'] ?? '');
        const expected = `sha256=${createHmac('sha256', secret.value).update(`${timestamp}.${body}`).digest('hex')}`;
        if (
          signature.length !== expected.length ||
          !timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) ||
          Math.abs(Date.now() / 1000 - Number(timestamp)) > 300
        )
          badSignatures.push(req.url ?? '');
        if (req.url === '/reports' && refusals.length < 3) {
          refusals.push(String(req.headers['x-sms12333-delivery']));
          res.writeHead(500).end('not now');
          return;
        }
        received.push({
          path: req.url ?? '',
          delivery: String(req.headers['x-sms12333-delivery']),
          body: JSON.parse(body) as Received['body'],
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const receiverPort = (receiver.address() as { port: number }).port;
    t.after(async () => {
      for (const c of children) await c.kill('SIGKILL');
      await sim.close();
      await new Promise((r) => receiver.close(r));
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const apiPort = await freePort();
    const configFile = join(dir, 'config.yaml');
    writeFileSync(
      configFile,
      stringify({
        database: { url: target.url },
        interface: { host: '127.0.0.1', port: apiPort },
        console: { enabled: false },
        metrics: { enabled: false },
        security: { dataKeyFile: join(dir, 'data.key') },
        gateways: [
          {
            id: 'cmcc-1',
            protocol: 'cmpp3',
            host: '127.0.0.1',
            port: sim.port,
            account: '901234',
            secret: 'cb-secret',
            spNumber: '1065712333',
            carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
            reconnectMinMs: 50,
            reconnectMaxMs: 500,
          },
        ],
        dispatcher: { pollMs: 20, sweepMs: 200 },
        callbacks: { firstRetryMs: 400, maxRetryMs: 2000, pollMs: 100 },
        log: { level: 'warn' },
      }),
    );
    // In this process (a child would cost seconds of start-up), printing into `printed`.
    const printed: string[] = [];
    await runApp(
      [
        'add',
        '--config',
        configFile,
        '--name',
        'hrss',
        '--password',
        PASSWORD,
        '--ip',
        '127.0.0.1/32',
        '--balance',
        '1000',
        '--signature',
        '【人社局】',
        '--ext-code',
        '01',
        '--report-url',
        `http://127.0.0.1:${receiverPort}/reports`,
        '--reply-url',
        `http://127.0.0.1:${receiverPort}/replies`,
      ],
      { write: (text: string) => printed.push(text) },
    );
    secret.value = /callback secret[^:]*: (\S+)/.exec(printed.join(''))?.[1] ?? '';
    assert.match(secret.value, /^[A-Za-z0-9_-]{43}$/, printed.join(''));

    const startServer = async (): Promise<ChildHandle> => {
      const server = runCli(['serve', '--config', configFile]);
      children.push(server);
      await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`, server);
      return server;
    };
    const api = async (path: string, body: Record<string, unknown>) =>
      (await (
        await fetch(`http://127.0.0.1:${apiPort}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ appName: 'hrss', password: PASSWORD, ...body }),
        })
      ).json()) as Record<string, unknown>;
    const first = await startServer();
    for (let i = 0; i < REQUESTS; i++) {
      const mobiles = Array.from(
        { length: PER_REQUEST },
        (_, j) => `1380013${String(i * 100 + j).padStart(4, '0')}`,
      );
      const answer = await api('/api/sms/send', { mobiles, content: `第${i}批通知` });
      assert.equal(answer.code, 1, JSON.stringify(answer));
    }
    await sim.injectMo({ from: '13800138000', to: '106571233301', text: '收到，谢谢' });
    await eventually(() => (refusals.length >= 2 ? true : undefined), 20_000, 'two refused report POSTs');
    await first.kill('SIGKILL');

    // The restart runs in this process (saves a child's start-up); the kill above was the real one.
    const restarted = await startPlatform({
      config: loadConfig({ file: configFile }),
      logger: silentLogger(),
    });
    t.after(() => restarted.close());
    const total = REQUESTS * PER_REQUEST;
    const reports = () => received.filter((r) => r.path === '/reports').flatMap((r) => r.body.reports ?? []);
    await eventually(
      () => (reports().length >= total && received.some((r) => r.path === '/replies') ? true : undefined),
      30_000,
      'every report and the reply pushed',
    );
    assert.equal(refusals.length, 3, 'the first three report POSTs were refused');
    assert.deepEqual(badSignatures, [], 'every POST carried a valid signature');
    // Exactly once and in the order of the pull feed (the same items the pull calls give).
    const pushed = reports().map((r) => r.msgId);
    assert.equal(new Set(pushed).size, pushed.length, 'no report pushed twice');
    const pulled: string[] = [];
    for (let cursor = '0'; ;) {
      const page = (await api('/api/sms/reports', { cursor })) as {
        reports: { msgId: string }[];
        nextCursor: string;
      };
      if (page.reports.length === 0) break;
      pulled.push(...page.reports.map((r) => r.msgId));
      cursor = page.nextCursor;
    }
    assert.equal(pulled.length, total);
    assert.deepEqual(pushed, pulled, 'pushed in feed order');
    assert.ok(reports().every((r) => r.status === 'DELIVERED'));
    const replies = received.filter((r) => r.path === '/replies').flatMap((r) => r.body.replies ?? []);
    assert.deepEqual(
      replies.map((r) => r.text),
      ['收到，谢谢'],
    );
    assert.ok(received.every((r) => r.body.appName === 'hrss'));

    const db = await openDatabase(target.url, { migrate: false });
    t.after(() => db.close());
    const cursors = await db.db.selectFrom('callback_cursors').selectAll().orderBy('kind').execute();
    assert.deepEqual(
      cursors.map((c) => [c.kind, c.delivered, c.attempts]),
      [
        ['reply', 1, 0],
        ['report', total, 0],
      ],
    );
    // The command-line change is in the audit log as actor cli, with the OS account.
    const audit = await db.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target', 'detail'])
      .where('action', '=', 'app.create')
      .execute();
    const [entry, ...more] = audit;
    assert.ok(entry && more.length === 0);
    assert.equal(entry.actor, 'cli');
    assert.match(entry.detail, /"osUser":/);
    assert.ok(!entry.detail.includes(secret.value), 'the secret is not in the audit log');
  });
}
