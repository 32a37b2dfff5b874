/**
 * Every carrier speaks its own protocol: a long message to a China Mobile,
 * a China Unicom, a China Telecom and a Broadnet number goes out over CMPP 3.0, SGIP 1.2, SMGP 3.0
 * and SMPP 3.4 respectively and comes back DELIVERED; a long uplink over each reaches the app whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../src/bench/processes.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const LONG = '根据《社会保险法》规定，请您于本月底前完成养老保险待遇资格认证，逾期将暂停发放。'.repeat(3);

const NUMBERS = {
  cmcc: '13800138000',
  cucc: '13000130000',
  ctcc: '13300133000',
  cbn: '19200192000',
} as const;

for (const dialect of DIALECTS) {
  test(`${dialect}: long messages and uplinks over CMPP 3.0, SGIP 1.2, SMGP 3.0 and SMPP 3.4`, async (t) => {
    const sgipListen = await freePort();
    const tp = await startTestPlatform(dialect, {
      app: { balance: 1000, extCode: '01' },
      gateway: { carriers: ['cmcc'] },
      links: [
        {
          id: 'cucc-1',
          simulator: {
            protocol: 'sgip',
            peer: { host: '127.0.0.1', port: sgipListen, account: 'smg', secret: 'smg-pass' },
          },
          gateway: {
            carriers: ['cucc'],
            sgip: {
              nodeId: 3010092008,
              corpId: '92008',
              listenPort: sgipListen,
              smgLogin: 'smg',
              smgPassword: 'smg-pass',
            },
          },
        },
        { id: 'ctcc-1', simulator: { protocol: 'smgp' }, gateway: { carriers: ['ctcc'] } },
        // SMPP passwords are at most 8 characters.
        {
          id: 'cbn-1',
          simulator: { protocol: 'smpp', secret: 'smpp-pw' },
          gateway: { carriers: ['cbn'], secret: 'smpp-pw' },
        },
      ],
    });
    t.after(() => tp.close());
    const creds = { appName: tp.appName, password: tp.password };
    const sent = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: Object.values(NUMBERS),
      content: LONG,
      islong: 1,
    });
    assert.equal(sent.json.code, 1, JSON.stringify(sent.json));

    const byLink = { cmcc: 'cmcc-1', cucc: 'cucc-1', ctcc: 'ctcc-1', cbn: 'cbn-1' } as const;
    for (const [carrier, mobile] of Object.entries(NUMBERS) as [keyof typeof NUMBERS, string][]) {
      const sim = tp.sims.get(byLink[carrier])!;
      const got = await eventually(() => sim.inbox(mobile)[0], 20_000, `${carrier} handset`);
      assert.equal(got.text, `【人社局】${LONG}`, carrier);
      assert.equal(got.segments, 2, `${carrier}: 5 + 120 UCS-2 units take two segments`);
    }
    const reports = await eventually(async () => {
      const r = await tp.post('/api/sms/reports', creds);
      const list = r.json.reports as { mobile: string; status: string }[];
      return list.length === 4 ? list : undefined;
    });
    assert.deepEqual(
      reports.map((r) => [r.mobile, r.status]).sort(),
      Object.values(NUMBERS)
        .map((m) => [m, 'DELIVERED'])
        .sort(),
    );
    const gateways = await tp.platform.handle.db
      .selectFrom('messages')
      .select(['mobile', 'gateway_id'])
      .execute();
    assert.deepEqual(Object.fromEntries(gateways.map((g) => [g.mobile, g.gateway_id])), {
      [NUMBERS.cmcc]: 'cmcc-1',
      [NUMBERS.cucc]: 'cucc-1',
      [NUMBERS.ctcc]: 'ctcc-1',
      [NUMBERS.cbn]: 'cbn-1',
    });

    const uplink = '请问我的社保卡补办进度如何？'.repeat(6);
    for (const [carrier, mobile] of Object.entries(NUMBERS) as [keyof typeof NUMBERS, string][]) {
      await tp.sims.get(byLink[carrier])!.injectMo({ from: mobile, to: '106571233301', text: uplink });
    }
    const replies = await eventually(async () => {
      const r = await tp.post('/api/sms/replies', creds);
      const list = r.json.replies as { mobile: string; text: string }[];
      return list.length === 4 ? list : undefined;
    });
    assert.deepEqual(
      replies.map((r) => [r.mobile, r.text]).sort(),
      Object.values(NUMBERS)
        .map((m) => [m, uplink])
        .sort(),
    );
  });
}
