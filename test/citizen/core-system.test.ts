/**
 * The command engine against a provincial core system over HTTP (backend.kind http), a real server
 * started here: binding checks the password there, CBXX reads the person there, MMCZ changes the
 * password there, and LSGS hands the card-loss report to its card system, whose reference the
 * ticket keeps; the citizen still gets a request number at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCitizenRig, withCheck } from '../helpers/citizen.js';
import { DIALECTS } from '../helpers/databases.js';

const SSN = withCheck('21070219790506301');
const M1 = '13800138000';

interface Core {
  url: string;
  calls: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function startCore(): Promise<Core> {
  let password = 'Kx7294';
  const calls: Core['calls'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, string>;
      calls.push({ path: req.url ?? '', body });
      const known = body.ssn === SSN;
      const answer = ((): unknown => {
        switch (req.url ?? '') {
          case '/person':
            return {
              person: known
                ? {
                    name: '欧阳晓明',
                    insurances: [{ type: '机关事业单位养老保险', status: '正常参保' }],
                    pension: { balanceCents: 5_000_000, asOf: '2026-09' },
                  }
                : null,
            };
          case '/person/verify-password':
            return { result: !known ? 'no-person' : body.password === password ? 'ok' : 'wrong' };
          case '/person/change-password':
            password = body.newPassword ?? password;
            return { result: 'ok' };
          case '/card/loss':
            return { reference: `KG-${body.requestNo ?? ''}` };
          default:
            return null;
        }
      })();
      res.statusCode = answer === null ? 404 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: BD, CBXX, MMCZ and LSGS against a core system and its card system over HTTP`, async () => {
    const core = await startCore();
    const rig = await startCitizenRig(dialect, [], {
      config: {
        citizen: { pollMs: 50 },
        backend: {
          kind: 'http',
          http: { baseUrl: core.url, timeoutMs: 2000, paths: { cardLoss: '/card/loss' } },
        },
      },
    });
    try {
      const masked = `${SSN.slice(0, 4)}**********${SSN.slice(-4)}`;
      assert.equal(
        await rig.ask(M1, `BD#${SSN}#wrong1`),
        '服务密码错误，还可再试4次，忘记密码请到经办机构重置。',
      );
      assert.equal(
        await rig.ask(M1, `BD#${SSN}#Kx7294`),
        `欧**明(${masked})已与本机绑定，发送CBXX#可查询参保信息。`,
      );
      assert.equal(await rig.ask(M1, 'CBXX#欧阳晓明'), `欧**明(${masked})参保:机关养老正常。`);
      assert.equal(await rig.ask(M1, 'YLZHYE'), `欧**明(${masked})养老个人账户余额50000.00元(截至2026-09)。`);
      assert.equal(
        await rig.ask(M1, 'MMCZ#Kx7294#Tq5831'),
        `欧**明(${masked})的服务密码已修改，请妥善保管。`,
      );
      assert.deepEqual(
        core.calls.filter((c) => c.path === '/person/change-password').map((c) => c.body),
        [{ ssn: SSN, newPassword: 'Tq5831' }],
      );
      const accepted = await rig.ask(M1, 'LSGS#');
      const requestNo = /受理号(GS\d+)/.exec(accepted)?.[1] ?? '';
      assert.equal(accepted, `已受理欧**明社保卡临时挂失，受理号${requestNo}，办理结果将短信告知。`);
      const ticket = await rig.platform.handle.db
        .selectFrom('service_tickets')
        .select(['status', 'handler', 'reference'])
        .where('request_no', '=', requestNo)
        .executeTakeFirstOrThrow();
      assert.deepEqual(ticket, { status: 'HANDLING', handler: 'card-system', reference: `KG-${requestNo}` });
      assert.deepEqual(
        core.calls.filter((c) => c.path === '/card/loss').map((c) => c.body),
        [{ ssn: SSN, requestNo, mobile: M1 }],
      );
    } finally {
      await rig.close();
      await core.close();
    }
  });
}
