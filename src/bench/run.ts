/**
 * `npm run bench`: interface admissions/s (single-number requests and 1000-number batches), end to
 * end accept → submit → report messages/s through the CMPP simulator, latency percentiles and the
 * platform's memory, for SQLite and PostgreSQL. The platform and the simulator each run in their own
 * process; the load comes from this one. Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hashPassword } from '../security/passwords.js';
import { upsertApp } from '../store/apps.js';
import { openDatabase, type DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { createScratchDatabase, type ScratchDatabase } from '../store/scratch.js';
import { BENCH_PASSWORD, SIMULATOR_LOGIN, simulatorLink } from './links.js';
import { postLoad, type LoadResult } from './load.js';
import { freePort, runCli, startSimulatorProcess, waitForHttp, type ChildHandle } from './processes.js';

export type BenchDialect = 'sqlite' | 'postgres';

export interface BenchOptions {
  dialects: BenchDialect[];
  quick: boolean;
  /** Only the admission figures (single-number and 1000-number requests): a short A/B run. */
  admissionOnly?: boolean;
  pgUrl: string;
  log: (line: string) => void;
}

interface Rig {
  db: ScratchDatabase;
  handle: DatabaseHandle;
  sim: ChildHandle;
  controlUrl: string;
  server: ChildHandle;
  apiUrl: string;
  dir: string;
  close(): Promise<void>;
}

export type BenchProtocol = 'cmpp3' | 'cmpp2' | 'sgip' | 'smgp' | 'smpp';

async function startRig(
  dialect: BenchDialect,
  pgUrl: string,
  dispatch: boolean,
  protocol: BenchProtocol = 'cmpp3',
): Promise<Rig> {
  const db = await createScratchDatabase(dialect, pgUrl, 'bench');
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-bench-cfg-'));
  const apiPort = await freePort();
  const sgipListen = protocol === 'sgip' ? await freePort() : 0;
  const simulator = await startSimulatorProcess({
    ...SIMULATOR_LOGIN,
    dlrDelayMs: 0,
    protocol,
    ...(protocol === 'sgip' && { peer: { port: sgipListen, account: 'smg', secret: 'bench' } }),
  });
  const { handle: sim, controlUrl } = simulator;
  const handle = await openDatabase(db.url);
  await upsertApp(handle.db, new IdAllocator(handle.db, 10), 'bench', {
    passwordHash: await hashPassword(BENCH_PASSWORD),
    ipWhitelist: ['127.0.0.1/32', '::1/128'],
    balance: 1_000_000_000,
    signature: '【12333】',
    extCode: '01',
    status: 'active',
  });
  const configFile = join(dir, 'bench.yaml');
  writeFileSync(
    configFile,
    stringify({
      database: { url: db.url, poolSize: 8 },
      interface: { host: '127.0.0.1', port: apiPort },
      console: { enabled: false },
      metrics: { port: 0 },
      gateways: [
        {
          ...simulatorLink(`${protocol}-bench`, protocol, simulator.port),
          requestTimeoutMs: 10_000,
          ...(protocol === 'sgip' && {
            // SGIP allows at most 32 requests awaiting an answer per connection.
            window: 32,
            sgip: {
              nodeId: 3021012333,
              corpId: '12333',
              listenPort: sgipListen,
              smgLogin: 'smg',
              smgPassword: 'bench',
            },
          }),
        },
      ],
      dispatcher: { enabled: dispatch, claimBatch: 2000, pollMs: 50 },
      log: { level: 'warn' },
    }),
  );
  const server = runCli(['serve', '--config', configFile]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitForHttp(`${apiUrl}/healthz`, server, 60_000);
  return {
    db,
    handle,
    sim,
    controlUrl,
    server,
    apiUrl,
    dir,
    async close() {
      await server.kill('SIGTERM');
      await sim.kill('SIGTERM');
      await handle.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const mobilesFrom = (start: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `139${String(start + i).padStart(8, '0')}`);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function countMessages(handle: DatabaseHandle): Promise<number> {
  const r = await handle.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return r.n;
}

async function admissionBench(dialect: BenchDialect, o: BenchOptions): Promise<void> {
  const rig = await startRig(dialect, o.pgUrl, false);
  try {
    const seconds = o.quick ? 3 : 10;
    const url = `${rig.apiUrl}/api/sms/send`;
    const base = {
      appName: 'bench',
      password: BENCH_PASSWORD,
      content: '您的社会保障卡已制作完成，请到经办网点领取。',
    };
    // Warm-up: the first request pays the argon2 check once.
    await postLoad({ url, body: { ...base, mobiles: '13900000000' }, connections: 4, seconds: 1 });
    let before = await countMessages(rig.handle);
    const single = await postLoad({
      url,
      body: { ...base, mobiles: '13900000001' },
      connections: 64,
      seconds,
    });
    const singleStored = (await countMessages(rig.handle)) - before;
    report(
      o,
      dialect,
      'admission, 1 number per request',
      single,
      `${fmt(singleStored / seconds)} messages/s stored`,
    );
    before = await countMessages(rig.handle);
    const batch = await postLoad({
      url,
      body: { ...base, mobiles: mobilesFrom(0, 1000) },
      connections: 8,
      seconds,
    });
    const batchStored = (await countMessages(rig.handle)) - before;
    report(
      o,
      dialect,
      'admission, 1000 numbers per request',
      batch,
      `${fmt(batchStored / seconds)} messages/s stored`,
    );
    const mem = rig.server.memory();
    if (mem)
      o.log(
        `  ${dialect}: platform memory after admission: rss ${mem.rssMiB.toFixed(0)} MiB, peak ${mem.peakMiB.toFixed(0)} MiB`,
      );
  } finally {
    await rig.close();
  }
}

function report(o: BenchOptions, dialect: string, what: string, r: LoadResult, extra: string): void {
  o.log(
    `  ${dialect}: ${what}: ${fmt(r.perSecond)} req/s, latency p50 ${r.p50} ms p99 ${r.p99} ms` +
      `${r.errors + r.non2xx > 0 ? `, ${r.errors} errors ${r.non2xx} non-2xx` : ''}; ${extra}`,
  );
}

async function endToEndBench(
  dialect: BenchDialect,
  o: BenchOptions,
  protocol: BenchProtocol = 'cmpp3',
  total = o.quick ? 10_000 : 50_000,
): Promise<void> {
  const rig = await startRig(dialect, o.pgUrl, true, protocol);
  try {
    const url = `${rig.apiUrl}/api/sms/send`;
    const started = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        const start = next;
        next += 1000;
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            appName: 'bench',
            password: BENCH_PASSWORD,
            content: `第${start}批：参保缴费提醒。`,
            mobiles: mobilesFrom(start, Math.min(1000, total - start)),
          }),
        });
        const body = (await res.json()) as { code: number; msg: string };
        if (body.code !== 1) throw new Error(`send refused: ${JSON.stringify(body)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const accepted = Date.now();
    let peak = 0;
    const deadline = Date.now() + 600_000;
    for (;;) {
      const r = await rig.handle.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['QUEUED', 'SENDING', 'SUBMITTED'])
        .executeTakeFirstOrThrow();
      peak = Math.max(peak, rig.server.memory()?.peakMiB ?? 0);
      if (r.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${r.n} messages still pending after 10 minutes`);
      await new Promise((res) => setTimeout(res, 100));
    }
    const finished = Date.now();
    // Our own clock at each step: submitted_at, and the report row written when the message ended
    // (done_at is the carrier's time, to the minute).
    const rows = await rig.handle.db
      .selectFrom('messages')
      .innerJoin('delivery_reports', 'delivery_reports.message_id', 'messages.id')
      .select([
        'messages.status',
        'messages.created_at',
        'messages.submitted_at',
        'delivery_reports.created_at as final_at',
      ])
      .execute();
    const delivered = rows.filter((r) => r.status === 'DELIVERED').length;
    const toFinal = rows.map((r) => r.final_at - r.created_at).sort((a, b) => a - b);
    const toSubmit = rows.map((r) => (r.submitted_at ?? r.final_at) - r.created_at).sort((a, b) => a - b);
    const seconds = (finished - started) / 1000;
    o.log(
      `  ${dialect}: end to end over ${protocol} (accept → submit → report), ${fmt(total)} messages: ${fmt(total / seconds)} messages/s ` +
        `(accepted in ${((accepted - started) / 1000).toFixed(1)} s, all final in ${seconds.toFixed(1)} s, ${fmt(delivered)} DELIVERED)`,
    );
    o.log(
      `  ${dialect}: latency accept → submitted p50 ${percentile(toSubmit, 50)} ms p95 ${percentile(toSubmit, 95)} ms p99 ${percentile(toSubmit, 99)} ms; ` +
        `accept → final p50 ${percentile(toFinal, 50)} ms p95 ${percentile(toFinal, 95)} ms p99 ${percentile(toFinal, 99)} ms`,
    );
    const mem = rig.server.memory();
    if (mem)
      o.log(
        `  ${dialect}: platform memory at the end: rss ${mem.rssMiB.toFixed(0)} MiB, peak ${Math.max(peak, mem.peakMiB).toFixed(0)} MiB`,
      );
  } finally {
    await rig.close();
  }
}

export async function runBenchmarks(o: BenchOptions): Promise<void> {
  o.log(
    `sms12333 bench (${o.quick ? 'quick' : 'full'}), node ${process.version}, ${new Date().toISOString()}`,
  );
  for (const dialect of o.dialects) {
    o.log(`\n[${dialect}]`);
    await admissionBench(dialect, o);
    if (o.admissionOnly !== true) await endToEndBench(dialect, o);
  }
  if (o.admissionOnly === true) return;
  // Each carrier protocol end to end, on SQLite (the store is the same; this compares the links).
  o.log('\n[per protocol, sqlite]');
  for (const protocol of ['cmpp2', 'sgip', 'smgp', 'smpp'] as const) {
    await endToEndBench('sqlite', o, protocol, o.quick ? 5_000 : 20_000);
  }
}
