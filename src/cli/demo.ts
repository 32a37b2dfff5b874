/**
 * `serve --demo`: everything a newcomer needs on a fresh clone — SQLite under ./data, a CMPP 3.0
 * carrier simulator in-process, a demo business-system account — and a banner that says where to
 * look. Generated credentials live in ./data/demo.json (mode 0600) so they survive restarts; none is
 * a fixed default.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConfigInput } from '../config/schema.js';
import { CARRIERS } from '../domain/carrier.js';
import { hashPassword } from '../security/passwords.js';
import { findAppByName, upsertApp } from '../store/apps.js';
import type { DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';

export const DEMO_APP = 'demo';
export const DEMO_SIGNATURE = '【12333】';
export const DEMO_MOBILE = '13800138000';
export const DEMO_LOG = './data/sms12333.log';
const DEMO_BALANCE = 1_000_000;

export interface DemoSecrets {
  appPassword: string;
  simulatorSecret: string;
}

export interface DemoPorts {
  simulator: number;
  control: number;
}

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

export function demoConfig(secrets: DemoSecrets, ports: DemoPorts): ConfigInput {
  return {
    platform: { role: 'province', province: '21', name: '演示 人力资源和社会保障厅' },
    database: { url: 'sqlite:./data/sms12333.db' },
    interface: { host: '127.0.0.1', port: 8080 },
    gateways: [
      {
        id: 'cmcc-demo',
        protocol: 'cmpp3',
        host: '127.0.0.1',
        port: ports.simulator,
        account: '901234',
        secret: secrets.simulatorSecret,
        spNumber: '1065712333',
        serviceId: 'HRSS12333',
        // One simulated CMPP link carries every carrier's numbers until the other protocols land.
        carriers: [...CARRIERS],
        connections: 2,
        window: 32,
        tps: 2000,
        requestTimeoutMs: 10_000,
        keepaliveMs: 30_000,
        reconnectMinMs: 500,
        reconnectMaxMs: 10_000,
      },
    ],
    sending: { reportDeadlineSeconds: 600 },
  };
}

/** Creates the demo account, or refreshes its password and whitelist; tops up a drained balance. */
export async function ensureDemoApp(handle: DatabaseHandle, secrets: DemoSecrets): Promise<void> {
  const existing = await findAppByName(handle.db, DEMO_APP);
  await upsertApp(handle.db, new IdAllocator(handle.db, 10), DEMO_APP, {
    passwordHash: await hashPassword(secrets.appPassword),
    ipWhitelist: ['127.0.0.1/32', '::1/128'],
    signature: existing?.signature || DEMO_SIGNATURE,
    extCode: existing?.extCode ?? '01',
    status: 'active',
    ...((!existing || existing.balance < 10_000) && { balance: DEMO_BALANCE }),
  });
}

export function demoBanner(o: {
  interfaceUrl: string;
  controlUrl: string;
  simulatorPort: number;
  secrets: DemoSecrets;
  databaseUrl: string;
  metricsUrl: string | null;
}): string {
  const body = JSON.stringify({
    appName: DEMO_APP,
    password: o.secrets.appPassword,
    mobiles: DEMO_MOBILE,
    content: '您的社会保障卡已制作完成，请携带身份证到经办网点领取。',
  });
  const creds = JSON.stringify({ appName: DEMO_APP, password: o.secrets.appPassword });
  return `
sms12333 演示模式已启动 (demo mode is running)

  接口 interface       ${o.interfaceUrl}    OpenAPI: ${o.interfaceUrl}/api/openapi.json
  模拟网关 simulator   CMPP 3.0 on 127.0.0.1:${o.simulatorPort}, 控制 control ${o.controlUrl}
  演示账户 account     appName=${DEMO_APP}  password=${o.secrets.appPassword}  (保存在 saved in data/demo.json)
  数据库 database      ${o.databaseUrl}
  日志 log             ${DEMO_LOG}   (tail -f ${DEMO_LOG})
  指标 metrics         ${o.metricsUrl ?? '(off)'}

发送一条短信 send a message:
  curl -s ${o.interfaceUrl}/api/sms/send -H 'Content-Type: application/json' -d '${body}'

查看手机收到的短信 what the handset received:
  curl -s '${o.controlUrl}/sim/inbox?mobile=${DEMO_MOBILE}'

拉取状态报告 delivery reports:
  curl -s ${o.interfaceUrl}/api/sms/reports -H 'Content-Type: application/json' -d '${creds}'

模拟市民发短信 a citizen texts the platform:
  curl -s ${o.controlUrl}/sim/mo -H 'Content-Type: application/json' -d '{"from":"${DEMO_MOBILE}","to":"106571233301","text":"CBXX#"}'

按 Ctrl+C 停止 (press Ctrl+C to stop)
`;
}
