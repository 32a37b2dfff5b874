/**
 * `sms12333 bench --federation`: province → ministry → carrier throughput (docs/federation.md). A
 * ministry platform and a province platform (SQLite each) with CMPP simulators run in this process;
 * the province's business system sends numbers of another province in 1000-number requests; the
 * figures are the time until the ministry's carrier has them all, and until every report is back
 * at the province as DELIVERED.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type Platform } from '../app/platform.js';
import { validateConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { startSimulator, type Simulator } from '../protocols/simulator/index.js';
import { hashPassword } from '../security/passwords.js';
import { silentLogger } from '../shared/log.js';
import { upsertApp } from '../store/apps.js';
import { IdAllocator } from '../store/ids.js';
import { BENCH_PASSWORD, SIMULATOR_LOGIN, simulatorLink } from './links.js';
import { freePort } from './processes.js';

async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function runFederationBench(o: { count: number; log: (line: string) => void }): Promise<void> {
  const count = Math.min(10_000, Math.max(1000, o.count));
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-fed-bench-'));
  const segments = join(dir, 'segments.csv');
  writeFileSync(segments, 'prefix,province,city,carrier\n1390021,21,沈阳市,cmcc\n1390046,46,海口市,cmcc\n');
  const sims: Simulator[] = [];
  const platforms: Platform[] = [];
  try {
    const sim = async (): Promise<Simulator> => {
      const s = await startSimulator({
        protocol: 'cmpp3',
        port: 0,
        controlPort: null,
        ...SIMULATOR_LOGIN,
        dlrDelayMs: 10,
      });
      sims.push(s);
      return s;
    };
    const carrierLink = (s: Simulator) => simulatorLink('cmcc-1', 'cmpp3', s.port);
    const base = (name: string, port: number): ConfigInput => ({
      database: { url: `sqlite:${join(dir, `${name}.db`)}`, sqliteSynchronous: 'NORMAL' },
      interface: { host: '127.0.0.1', port, maxMobiles: 1000 },
      console: { enabled: false },
      metrics: { enabled: false },
      log: { level: 'silent' },
      security: { dataKeyFile: join(dir, `${name}.key`) },
      sending: { frequency: { identicalContentWindowMinutes: 0 } },
      dispatcher: { pollMs: 20 },
    });
    const ministrySim = await sim();
    const ministryPort = await freePort();
    const ministry = await startPlatform({
      config: validateConfig({
        ...base('ministry', ministryPort),
        platform: { role: 'ministry', province: '10' },
        gateways: [carrierLink(ministrySim)] as ConfigInput['gateways'],
      }),
      logger: silentLogger(),
    });
    platforms.push(ministry);
    const hash = await hashPassword(BENCH_PASSWORD);
    await upsertApp(ministry.handle.db, new IdAllocator(ministry.handle.db, 10), 'prov21', {
      passwordHash: hash,
      ipWhitelist: ['127.0.0.1/32'],
      balance: 10 * count,
      signature: '',
      extCode: '21',
      province: '21',
    });
    const provinceSim = await sim();
    const province = await startPlatform({
      config: validateConfig({
        ...base('p21', 0),
        platform: { role: 'province', province: '21' },
        phoneData: { file: segments },
        gateways: [
          carrierLink(provinceSim),
          {
            id: 'ministry',
            protocol: 'ministry',
            url: `http://127.0.0.1:${ministryPort}`,
            account: 'prov21',
            secret: BENCH_PASSWORD,
            carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
            window: 16,
            tps: 100_000,
            pollMs: 50,
          },
        ] as ConfigInput['gateways'],
      }),
      logger: silentLogger(),
    });
    platforms.push(province);
    await upsertApp(province.handle.db, new IdAllocator(province.handle.db, 10), 'bench', {
      passwordHash: hash,
      ipWhitelist: ['127.0.0.1/32'],
      balance: 10 * count,
      signature: '【人社局】',
      extCode: '01',
    });
    await waitFor(() => province.router.byId('ministry')?.status().bound === 1, 20_000, 'the ministry link');
    const app = province.interfaceApp;
    if (!app) throw new Error('bench: no interface');

    const started = Date.now();
    for (let at = 0; at < count; at += 1000) {
      const mobiles = Array.from(
        { length: Math.min(1000, count - at) },
        (_, i) => `1390046${String(at + i).padStart(4, '0')}`,
      );
      const res = await app.inject({
        method: 'POST',
        url: '/api/sms/send',
        payload: {
          appName: 'bench',
          password: BENCH_PASSWORD,
          mobiles,
          content: '您的养老保险待遇已发放，请注意查收。',
        },
        remoteAddress: '127.0.0.1',
      });
      if (res.json<{ code: number }>().code !== 1) throw new Error(`bench: send answered ${res.body}`);
    }
    const accepted = Date.now() - started;
    await waitFor(() => ministrySim.stats().segments >= count, 300_000, 'the ministry carrier');
    const atCarrier = Date.now() - started;
    const delivered = async (): Promise<boolean> => {
      const row = await province.handle.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', 'DELIVERED')
        .executeTakeFirstOrThrow();
      return Number(row.n) >= count;
    };
    await waitFor(delivered, 300_000, 'the reports');
    const reported = Date.now() - started;
    const rate = (ms: number): string => `${Math.round((count * 1000) / ms)}/s`;
    o.log(
      `federation (SQLite ministry and province, CMPP simulators, ${count} numbers in 1000-number requests):`,
    );
    o.log(`  accepted by the province            ${accepted} ms  ${rate(accepted)}`);
    o.log(
      `  at the ministry's carrier           ${atCarrier} ms  ${rate(atCarrier)}  (province → ministry → carrier)`,
    );
    o.log(`  DELIVERED back at the province      ${reported} ms  ${rate(reported)}`);
  } finally {
    for (const p of platforms.reverse()) await p.close();
    for (const s of sims) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
