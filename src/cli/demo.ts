/**
 * `serve --demo`: everything a newcomer needs on a fresh clone — SQLite under ./data, a CMPP 3.0
 * carrier simulator in-process, a demo business-system account — and a banner that says where to
 * look. Generated credentials live in ./data/demo.json (mode 0600) so they survive restarts; none is
 * a fixed default.
 */
import { DEMO_PERSONS } from '../backend/demo-persons.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConfigInput } from '../config/schema.js';
import { hashPassword } from '../security/passwords.js';
import { findAppByName, upsertApp } from '../store/apps.js';
import type { DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { setSftpCredentials } from '../store/sftp.js';

export const DEMO_APP = 'demo';
export const DEMO_SIGNATURE = '【12333】';
export const DEMO_MOBILE = '13800138000';
export const DEMO_LOG = './data/sms12333.log';
/** The demo citizen the banner binds: the first synthetic person (src/backend/demo-persons.ts). */
const DEMO_CITIZEN = { ssn: DEMO_PERSONS[0]?.ssn ?? '', password: DEMO_PERSONS[0]?.servicePassword ?? '' };
const DEMO_BALANCE = 1_000_000;

export interface DemoSecrets {
  appPassword: string;
  simulatorSecret: string;
}

export interface DemoPorts {
  /** The first simulator's carrier port; the others follow it (+1, +2, …). */
  simulator: number;
  /** The first simulator's control port; likewise. */
  control: number;
}

/** One simulated carrier link of the demo: its simulator and the gateway that talks to it. */
export interface DemoLink {
  id: string;
  protocol: 'cmpp3' | 'sgip' | 'smgp' | 'smpp';
  name: string;
  port: number;
  controlPort: number;
  secret: string;
  /** SGIP: where the platform listens for the simulated SMG. */
  peerPort: number | null;
  gateway: Record<string, unknown>;
}

export const DEMO_ACCOUNT = '901234';

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function loadDemoSecrets(file: string): DemoSecrets {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoSecrets>;
    if (saved.appPassword && saved.simulatorSecret)
      return { appPassword: saved.appPassword, simulatorSecret: saved.simulatorSecret };
  }
  const secrets = { appPassword: `Demo-${token(9)}`, simulatorSecret: token(9) };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

export function demoPorts(env: NodeJS.ProcessEnv): DemoPorts {
  return {
    simulator: Number(env.SMS12333_DEMO_SIMULATOR_PORT ?? 7890),
    control: Number(env.SMS12333_DEMO_CONTROL_PORT ?? 8090),
  };
}

/**
 * One link per carrier, each speaking that carrier's protocol to an in-process simulator:
 * China Mobile over CMPP 3.0, Unicom over SGIP 1.2 (whose SMG connects back to us), Telecom over
 * SMGP 3.0, Broadnet and the virtual operators over SMPP 3.4.
 */
export function demoLinks(secrets: DemoSecrets, ports: DemoPorts): DemoLink[] {
  const common = {
    host: '127.0.0.1',
    account: DEMO_ACCOUNT,
    spNumber: '1065712333',
    serviceId: 'HRSS12333',
    connections: 2,
    window: 32,
    tps: 2000,
    requestTimeoutMs: 10_000,
    keepaliveMs: 30_000,
    reconnectMinMs: 500,
    reconnectMaxMs: 10_000,
  };
  const link = (
    n: number,
    id: string,
    protocol: DemoLink['protocol'],
    name: string,
    carriers: string[],
    secret: string,
    extra: Record<string, unknown> = {},
    peerPort: number | null = null,
  ): DemoLink => ({
    id,
    protocol,
    name,
    port: ports.simulator + n,
    controlPort: ports.control + n,
    secret,
    peerPort,
    gateway: { ...common, id, protocol, port: ports.simulator + n, secret, carriers, ...extra },
  });
  const sgipListen = ports.simulator + 4;
  return [
    link(0, 'cmcc-demo', 'cmpp3', '中国移动 CMPP 3.0', ['cmcc'], secrets.simulatorSecret),
    link(
      1,
      'cucc-demo',
      'sgip',
      '中国联通 SGIP 1.2',
      ['cucc'],
      secrets.simulatorSecret,
      {
        sgip: {
          nodeId: 3021012333,
          corpId: '12333',
          listenPort: sgipListen,
          smgLogin: 'smg-demo',
          smgPassword: secrets.simulatorSecret,
        },
      },
      sgipListen,
    ),
    link(2, 'ctcc-demo', 'smgp', '中国电信 SMGP 3.0', ['ctcc'], secrets.simulatorSecret),
    // SMPP passwords are at most 8 octets.
    link(
      3,
      'cbn-demo',
      'smpp',
      '中国广电/虚拟运营商 SMPP 3.4',
      ['cbn', 'mvno'],
      secrets.simulatorSecret.slice(0, 8),
    ),
  ];
}

export function demoConfig(links: readonly DemoLink[]): ConfigInput {
  return {
    platform: { role: 'province', province: '21', name: '演示 人力资源和社会保障厅' },
    database: { url: 'sqlite:./data/sms12333.db' },
    interface: { host: '127.0.0.1', port: 8080 },
    gateways: links.map((l) => l.gateway) as ConfigInput['gateways'],
    sending: { reportDeadlineSeconds: 600 },
    // The demo account may also play the card system (tickets) and run surveys.
    citizen: { ticketApps: [DEMO_APP], surveyApps: [DEMO_APP] },
    // Batch files over SFTP (docs/sftp.md), on a free port the banner prints.
    sftp: { enabled: true, port: 0 },
  };
}

/** Creates the demo account, or refreshes its password and whitelist; tops up a drained balance. */
export async function ensureDemoApp(handle: DatabaseHandle, secrets: DemoSecrets): Promise<void> {
  const existing = await findAppByName(handle.db, DEMO_APP);
  const passwordHash = await hashPassword(secrets.appPassword);
  const { app } = await upsertApp(handle.db, new IdAllocator(handle.db, 10), DEMO_APP, {
    passwordHash,
    ipWhitelist: ['127.0.0.1/32', '::1/128'],
    signature: existing?.signature || DEMO_SIGNATURE,
    extCode: existing?.extCode ?? '01',
    status: 'active',
    ...((!existing || existing.balance < 10_000) && { balance: DEMO_BALANCE }),
  });
  // The SFTP password is the interface password (docs/sftp.md).
  await setSftpCredentials(handle.db, app.id, { passwordHash }, Date.now());
}

export function demoBanner(o: {
  interfaceUrl: string;
  links: readonly DemoLink[];
  secrets: DemoSecrets;
  databaseUrl: string;
  metricsUrl: string | null;
  /** Where the personal-data key lives (SSNs and names are sealed with it). */
  dataKey: string;
  /** The console's address, and a line per demo account (src/cli/demo-users.ts). */
  consoleUrl: string | null;
  consoleUsers: readonly string[];
  /** The SFTP listener's port, when it runs. */
  sftpPort?: number | null;
}): string {
  const cmcc = o.links[0];
  const controlUrl = `http://127.0.0.1:${cmcc?.controlPort ?? 0}`;
  const sims = o.links
    .map(
      (l) =>
        `  模拟网关 simulator   ${l.name.padEnd(22)} 127.0.0.1:${l.port}  控制 control http://127.0.0.1:${l.controlPort}`,
    )
    .join('\n');
  const body = JSON.stringify({
    appName: DEMO_APP,
    password: o.secrets.appPassword,
    mobiles: DEMO_MOBILE,
    content: '您的社会保障卡已制作完成，请携带身份证到经办网点领取。',
  });
  const creds = JSON.stringify({ appName: DEMO_APP, password: o.secrets.appPassword });
  const consoleLines = [
    `  控制台 console       ${o.consoleUrl === null ? '(off)' : `${o.consoleUrl}/console/`}`,
    ...(o.consoleUsers.length === 0
      ? []
      : [
          '  控制台账户 console users (首次登录须修改密码，管理员须绑定动态口令 change the password at first login; administrators enrol a one-time code):',
          ...o.consoleUsers,
        ]),
  ].join('\n');
  return `
sms12333 演示模式已启动 (demo mode is running)

  接口 interface       ${o.interfaceUrl}    OpenAPI: ${o.interfaceUrl}/api/openapi.json
${consoleLines}
${sims}
  演示账户 account     appName=${DEMO_APP}  password=${o.secrets.appPassword}  (保存在 saved in data/demo.json)
  SFTP 批量文件 files  ${o.sftpPort == null ? '(off)' : `sftp -P ${o.sftpPort} ${DEMO_APP}@127.0.0.1  (密码同上 same password; docs/sftp.md)`}
  数据库 database      ${o.databaseUrl}
  日志 log             ${DEMO_LOG}   (tail -f ${DEMO_LOG})
  数据密钥 data key    ${o.dataKey}   (证件号和姓名用它加密，请备份 SSNs and names are sealed with it: back it up)
  指标 metrics         ${o.metricsUrl ?? '(off)'}

发送一条短信 send a message:
  curl -s ${o.interfaceUrl}/api/sms/send -H 'Content-Type: application/json' -d '${body}'

查看手机收到的短信 what the handset received:
  curl -s '${controlUrl}/sim/inbox?mobile=${DEMO_MOBILE}'

拉取状态报告 delivery reports:
  curl -s ${o.interfaceUrl}/api/sms/reports -H 'Content-Type: application/json' -d '${creds}'

市民发短信给 12333 a citizen texts 12333 (绑定 bind, then 查询 ask; the answers arrive in the inbox above):
  curl -s ${controlUrl}/sim/mo -H 'Content-Type: application/json' -d '{"from":"${DEMO_MOBILE}","to":"1065712333","text":"BD#${DEMO_CITIZEN.ssn}#${DEMO_CITIZEN.password}"}'
  curl -s ${controlUrl}/sim/mo -H 'Content-Type: application/json' -d '{"from":"${DEMO_MOBILE}","to":"1065712333","text":"CBXX#"}'
  (演示人员 demo people: 20 synthetic citizens, see src/backend/demo-persons.ts; 指令 commands: README)

市民回复业务系统 a citizen answers the business system (its extension code 01):
  curl -s ${controlUrl}/sim/mo -H 'Content-Type: application/json' -d '{"from":"${DEMO_MOBILE}","to":"106571233301","text":"收到"}'

按 Ctrl+C 停止 (press Ctrl+C to stop)
`;
}
