/**
 * `sms12333 serve --demo-federation`: a ministry platform and two province platforms (21 Liaoning,
 * 46 Hainan) on one machine, each with its own in-process carrier simulator, console and interface
 * (docs/federation.md). Province 21's handset page also shows the ministry's simulator, so a
 * message to a Hainan number can be watched arriving by the ministry's carrier link.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { startPlatform, type Platform } from '../app/platform.js';
import { loadAuditKey } from '../audit/log.js';
import { validateConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { startSimulator, type Simulator } from '../protocols/simulator/index.js';
import { hashPassword } from '../security/passwords.js';
import { createLogger } from '../shared/log.js';
import { upsertApp } from '../store/apps.js';
import { IdAllocator } from '../store/ids.js';
import { ensureDemoConsoleUsers } from './demo-users.js';
import { untilSignal } from './signals.js';

const DIR = './data/federation';
const LIAONING = '13998800000';
const HAINAN = '13005012345';
const SP = '1065712333';

interface Member {
  key: 'ministry' | 'p21' | 'p46';
  name: string;
  role: 'ministry' | 'province';
  province: string;
  /** Interface port; the console listens on the next one. */
  port: number;
}

const MEMBERS: readonly Member[] = [
  { key: 'ministry', name: '人力资源和社会保障部（演示）', role: 'ministry', province: '10', port: 8180 },
  { key: 'p21', name: '辽宁省人力资源和社会保障厅（演示）', role: 'province', province: '21', port: 8280 },
  { key: 'p46', name: '海南省人力资源和社会保障厅（演示）', role: 'province', province: '46', port: 8380 },
];

const secret = (): string => randomBytes(9).toString('base64url');

export async function runFederationDemo(): Promise<number> {
  mkdirSync(DIR, { recursive: true, mode: 0o700 });
  const logger = createLogger({ level: 'info', file: `${DIR}/federation.log` });
  const simSecret = secret();
  const sims = new Map<string, Simulator>();
  const platforms = new Map<string, Platform>();
  const stop = async (): Promise<void> => {
    for (const p of [...platforms.values()].reverse()) await p.close();
    for (const s of sims.values()) await s.close();
  };
  const stopSignal = untilSignal();
  try {
    for (const m of MEMBERS)
      sims.set(
        m.key,
        await startSimulator({
          protocol: 'cmpp3',
          port: 0,
          controlPort: 0,
          account: '901234',
          secret: simSecret,
          dlrDelayMs: 300,
          logger: logger.child({ component: 'simulator', platform: m.key }),
        }),
      );
    // The province accounts' passwords, known before the ministry creates them.
    const provincePasswords = new Map(MEMBERS.map((m) => [m.province, secret()]));
    const demoPasswords = new Map<string, string>();
    const consoleLines: string[] = [];
    for (const m of MEMBERS) {
      const sim = sims.get(m.key);
      const ministrySim = sims.get('ministry');
      if (!sim || !ministrySim) throw new Error('simulator missing');
      const password = provincePasswords.get(m.province) ?? '';
      const gateways: Record<string, unknown>[] = [
        {
          id: 'cmcc-1',
          protocol: 'cmpp3',
          port: sim.port,
          account: '901234',
          secret: simSecret,
          spNumber: SP,
          carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
        },
      ];
      if (m.role === 'province')
        gateways.push({
          id: 'ministry',
          protocol: 'ministry',
          url: `http://127.0.0.1:${MEMBERS[0]?.port ?? 8180}`,
          account: `prov${m.province}`,
          secret: password,
          carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
          pollMs: 500,
        });
      const input: ConfigInput = {
        platform: { role: m.role, province: m.province, name: m.name },
        database: { url: `sqlite:${DIR}/${m.key}.db` },
        interface: { host: '127.0.0.1', port: m.port },
        console: { host: '127.0.0.1', port: m.port + 1 },
        metrics: { enabled: false },
        gateways: gateways as ConfigInput['gateways'],
        sending: { reportDeadlineSeconds: 600 },
        citizen: { surveyApps: ['demo'] },
        security: { dataKeyFile: `${DIR}/${m.key}.key` },
      };
      const config = validateConfig(input);
      const handsets = [
        {
          carrier: 'cmcc',
          name: `${m.name} 模拟网关`,
          controlUrl: `http://127.0.0.1:${sim.controlPort ?? 0}`,
        },
        ...(m.role === 'province'
          ? [
              {
                carrier: 'ministry',
                name: '部级平台的模拟网关（跨省短信由此发出）',
                controlUrl: `http://127.0.0.1:${ministrySim.controlPort ?? 0}`,
              },
            ]
          : []),
      ];
      const platform = await startPlatform({ config, logger: logger.child({ platform: m.key }), handsets });
      platforms.set(m.key, platform);
      const db = platform.handle.db;
      const ids = new IdAllocator(db, 10);
      if (m.role === 'ministry')
        for (const p of MEMBERS.filter((x) => x.role === 'province'))
          await upsertApp(db, ids, `prov${p.province}`, {
            passwordHash: await hashPassword(provincePasswords.get(p.province) ?? ''),
            ipWhitelist: ['127.0.0.1/32', '::1/128'],
            balance: 1_000_000,
            signature: '',
            extCode: p.province,
            province: p.province,
            status: 'active',
          });
      const demoPassword = secret();
      demoPasswords.set(m.key, demoPassword);
      await upsertApp(db, ids, 'demo', {
        passwordHash: await hashPassword(demoPassword),
        ipWhitelist: ['127.0.0.1/32', '::1/128'],
        balance: 100_000,
        signature:
          m.role === 'ministry' ? '【人社部】' : m.province === '21' ? '【辽宁人社】' : '【海南人社】',
        extCode: '01',
        status: 'active',
      });
      const users = await ensureDemoConsoleUsers(
        platform.handle,
        loadAuditKey(config),
        `${DIR}/${m.key}.json`,
      );
      const admin = users.admin ?? users.operator;
      consoleLines.push(
        `  ${m.name}\n    控制台 console   ${platform.consoleUrl ?? '(off)'}/console/` +
          `${admin ? `   (admin / operator: ${users.admin ?? '—'} / ${users.operator ?? '—'})` : ''}\n` +
          `    接口 interface   ${platform.interfaceUrl ?? '(off)'}   appName demo, password ${demoPassword}`,
      );
    }
    await announceCrossProvince(platforms.get('p21'), demoPasswords.get('p21') ?? '', logger);
    process.stdout.write(
      [
        '',
        '部省两级演示 federation demo: 一个部级平台，两个省级平台 (docs/federation.md)',
        ...consoleLines,
        '',
        `  辽宁省平台已向 ${LIAONING}（辽宁）和 ${HAINAN}（海南）各发一条：`,
        `  海南号码经部级平台的运营商网关送达 — 在辽宁省平台控制台的“模拟手机”页选“部级平台的模拟网关”查看 ${HAINAN}。`,
        `  日志 log: ${DIR}/federation.log    Ctrl-C 停止 stop`,
        '',
      ].join('\n'),
    );
    const signal = await stopSignal;
    logger.info({ signal }, '正在停止 stopping');
  } finally {
    await stop();
    logger.flush();
  }
  return 0;
}

/** One message from province 21 to a Liaoning and a Hainan number, so the handset page has something. */
async function announceCrossProvince(
  platform: Platform | undefined,
  password: string,
  logger: Logger,
): Promise<void> {
  const app = platform?.interfaceApp;
  if (!app) return;
  const res = await app.inject({
    method: 'POST',
    url: '/api/sms/send',
    payload: {
      appName: 'demo',
      password,
      mobiles: [LIAONING, HAINAN],
      content: '您的社会保障卡已制作完成，请携带身份证到经办网点领取。',
    },
    remoteAddress: '127.0.0.1',
  });
  logger.info({ answer: res.json<unknown>() }, '演示跨省短信 demo cross-province message');
}
