/**
 * The dashboard API on both databases: after messages went through the simulator it counts them by
 * status, carrier, gateway, hour and day; shows the gateway's live state and the uplink volume; a
 * case handler (no stats.read) is refused. Through `inject()`; the answer is exactly its contract
 * (contract/stats.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardAnswer, type DashboardAnswer } from '../../src/console/contract/stats.js';
import { DIALECTS } from '../helpers/databases.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: console dashboard counts what was sent by status, carrier and gateway`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const consoleApp = rig.platform.consoleApp;
    assert.ok(consoleApp);
    const operator = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'op.li', ['operator']),
    );
    const handler = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'case.wu', ['case-handler']),
    );

    const creds = { appName: rig.appName, password: rig.password };
    const sent = await rig.post('/api/sms/send', {
      ...creds,
      mobiles: ['13800138001', '13800138002', '13900139003', '13012340004', '18612340005'],
      content: '您的社保卡已制作完成，请到经办网点领取。',
    });
    assert.equal(sent.json.code, 1, JSON.stringify(sent.json));
    await rig.sim.injectMo({ from: '13800138001', to: '10657123330199', text: '收到，谢谢' });

    const board = await eventually(
      async () => {
        const res = await operator.get<DashboardAnswer>('stats/dashboard');
        assert.equal(res.status, 200);
        return res.json.today.delivered === 5 && res.json.today.uplinks === 1 ? res.json : undefined;
      },
      20_000,
      'five delivered and an uplink on the dashboard',
    );
    assert.deepEqual(dashboardAnswer.parse(board), board, 'the contract, nothing more');
    assert.equal(board.today.total, 5);
    assert.equal(board.today.byStatus.DELIVERED, 5);
    assert.equal(board.today.rate, 1);
    assert.equal(
      board.hourly.reduce((n, h) => n + h.total, 0),
      5,
      'every message in one of the 24 hours',
    );
    assert.equal(board.hourly.length, 24);
    assert.equal(board.daily.length, 30);
    const last = board.daily.at(-1);
    assert.ok(last);
    assert.equal(last.day, board.day, 'the last day is today (Beijing)');
    assert.equal(last.delivered, 5);
    assert.equal(last.uplinks, 1);

    const cmcc = board.byCarrier.find((r) => r.key === 'cmcc');
    const cucc = board.byCarrier.find((r) => r.key === 'cucc');
    assert.ok(cmcc && cucc);
    assert.equal(cmcc.delivered, 3);
    assert.equal(cucc.delivered, 2);
    assert.equal(cmcc.rate, 1);
    const gateway = board.byGateway.find((r) => r.key === 'cmcc-1');
    assert.equal(gateway?.delivered, 5);

    for (const s of ['QUEUED', 'SENDING', 'SUBMITTED', 'HELD']) assert.equal(board.queue[s], 0, s);
    const live = board.gateways.find((g) => g.id === 'cmcc-1');
    assert.ok(live, 'the gateway is listed');
    assert.equal(live.state, 'bound');
    assert.ok(live.bound >= 1);

    const denied = await handler.get('stats/dashboard');
    assert.equal(denied.status, 403, 'a case handler has no stats.read');
  });
}
