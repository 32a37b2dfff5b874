/**
 * The SGIP gateway against the simulated SMG over loopback, both directions of SGIP's split link:
 * SUBMITs on the SP → SMG connection, REPORTs and DELIVERs on the SMG's own connection to the
 * gateway's listener (docs/protocols.md §2). Also the wrong password on each side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeOfStat } from '../../../src/domain/status.js';
import { silentLogger } from '../../../src/shared/log.js';
import type { Gateway, GatewayConfig, SgipOptions } from '../../../src/protocols/gateway.js';
import { startSgipSimulator, type SgipSimulatorTuning } from '../../../src/protocols/sgip/index.js';
import type {
  ProtocolServer,
  ProtocolServerOptions,
} from '../../../src/protocols/simulator/protocol-server.js';
import { until } from '../simulator/wait.js';
import {
  bound,
  freePort,
  noHandlesLeft,
  partsOf,
  type Recorder,
  sgipConfig,
  SMG_LOGIN,
  SMG_PASSWORD,
  SP_ACCOUNT,
  SP_SECRET,
  startGateway,
} from './gateway-helpers.js';

interface Pair {
  sim: ProtocolServer;
  gateway: Gateway;
  recorder: Recorder;
}

async function withPair(
  setup: {
    sim?: Partial<ProtocolServerOptions>;
    peer?: Partial<NonNullable<ProtocolServerOptions['peer']>>;
    tuning?: Partial<SgipSimulatorTuning>;
    config?: Partial<GatewayConfig>;
    sgip?: Partial<SgipOptions>;
  },
  body: (pair: Pair) => Promise<void>,
): Promise<void> {
  const listenPort = await freePort();
  const sim = await startSgipSimulator(
    {
      host: '127.0.0.1',
      port: 0,
      account: SP_ACCOUNT,
      secret: SP_SECRET,
      dlrDelayMs: 10,
      failRate: 0,
      seed: 1,
      gatewayCode: 1,
      logger: silentLogger(),
      peer: { host: '127.0.0.1', port: listenPort, account: SMG_LOGIN, secret: SMG_PASSWORD, ...setup.peer },
      ...setup.sim,
    },
    { idleCloseMs: 200, reconnectMinMs: 10, reconnectMaxMs: 50, ...setup.tuning },
  );
  const { gateway, recorder } = startGateway(sgipConfig(sim.port, listenPort, setup.config, setup.sgip));
  try {
    await body({ sim, gateway, recorder });
  } finally {
    await gateway.close();
    await sim.close();
  }
}

const CARRIER_ID = /^3010012333-\d{9,10}-\d+$/;

test('a short message: accepted as the SUBMIT triple, on the handset, reported DELIVRD through the listener', async () => {
  await withPair({}, async ({ sim, gateway, recorder }) => {
    await bound(gateway, recorder);
    const [outcome] = await gateway.submit(partsOf('您的社保卡已制好，请到网点领取。'));
    assert.ok(outcome?.kind === 'accepted');
    assert.match(outcome.carrierMsgId, CARRIER_ID);
    const [entry] = sim.core.handsets.inbox('13012345678');
    assert.equal(entry?.text, '您的社保卡已制好，请到网点领取。');
    assert.equal(entry.from, '106550123330001');
    assert.deepEqual(entry.msgIds, [outcome.carrierMsgId]);
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    const report = recorder.reports[0]!;
    assert.deepEqual(
      { ...report, doneAt: 0, receivedAt: 0 },
      {
        gatewayId: 'cucc-test',
        carrierMsgId: outcome.carrierMsgId,
        stat: 'DELIVRD',
        mobile: '13012345678',
        doneAt: 0,
        receivedAt: 0,
      },
    );
    await until(() => sim.core.stats().reportsAcked === 1, 'REPORT_RESP at the simulator');
    assert.equal(sim.core.stats().binds, 1);
    assert.equal(gateway.status().counters.reports, 1);
  });
});

test('a failed message is reported State 2 with an ErrorCode: stat SGIP:<n>, which the platform counts FAILED', async () => {
  await withPair({ sim: { failRate: 1 } }, async ({ gateway, recorder }) => {
    await bound(gateway, recorder);
    const [outcome] = await gateway.submit(partsOf('hello'));
    assert.ok(outcome?.kind === 'accepted');
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    const report = recorder.reports[0]!;
    assert.equal(report.carrierMsgId, outcome.carrierMsgId);
    assert.match(report.stat, /^SGIP:(25|26|27|29)$/);
    assert.equal(outcomeOfStat(report.stat), 'FAILED');
  });
});

test('ReportFlag 0 (the spec default) reports only failures', async () => {
  await withPair({ sgip: { reportFlag: 0 } }, async ({ sim, gateway, recorder }) => {
    await bound(gateway, recorder);
    await gateway.submit(partsOf('delivered, no report'));
    sim.core.configure({ failRate: 1 });
    const [failed] = await gateway.submit(partsOf('failed, reported'));
    assert.ok(failed?.kind === 'accepted');
    await recorder.signal.until(() => recorder.reports.length === 1, 'the failure report');
    assert.equal(recorder.reports[0]!.carrierMsgId, failed.carrierMsgId);
    await until(() => sim.core.stats().reportsPending === 0, 'nothing pending');
    assert.equal(recorder.reports.length, 1);
  });
});

test('uplinks reach handlers.uplink: short and long, Chinese and ASCII, the sender as 11 digits', async () => {
  await withPair({}, async ({ sim, gateway, recorder }) => {
    await bound(gateway, recorder);
    const long = '我想咨询一下养老保险待遇资格认证的办理流程和需要携带的材料，谢谢！'.repeat(3);
    const cases = [
      { text: '收到，谢谢', segments: 1 },
      { text: 'CBXX#', segments: 1 },
      { text: long, segments: 2 },
      { text: 'BD#210102199001011234#123456'.repeat(6), segments: 2 },
    ];
    let expected = 0;
    for (const c of cases) {
      assert.equal(
        sim.injectMo({ from: '13012345678', to: '106550123330199', text: c.text }).segments,
        c.segments,
      );
      expected += c.segments;
      await recorder.signal.until(
        () => recorder.uplinks.length === expected,
        `uplink "${c.text.slice(0, 8)}"`,
      );
      const got = recorder.uplinks.slice(expected - c.segments);
      assert.ok(got.every((u) => u.mobile === '13012345678' && u.destId === '106550123330199'));
      if (c.segments === 1) assert.deepEqual([got[0]!.text, got[0]!.concat], [c.text, null]);
      else {
        assert.equal(got.map((u) => u.text).join(''), c.text);
        assert.deepEqual(
          got.map((u) => [u.concat?.total, u.concat?.partNo]),
          [
            [2, 1],
            [2, 2],
          ],
        );
      }
    }
    assert.equal(new Set(recorder.uplinks.map((u) => u.carrierMsgId)).size, recorder.uplinks.length);
    await until(() => sim.core.stats().uplinksAcked === expected, 'every uplink acknowledged');
    assert.equal(gateway.status().counters.uplinks, expected);
  });
});

test('a wrong SP password: BIND refused with Result 1, lastError says so, submits answer retry', async () => {
  await withPair(
    { sim: { secret: 'not-our-secret' }, config: { requestTimeoutMs: 300 } },
    async ({ sim, gateway }) => {
      await until(() => sim.core.stats().authFailures >= 2, 'two refused binds');
      const status = gateway.status();
      assert.equal(status.bound, 0);
      assert.match(
        status.lastError ?? '',
        /gateway authentication failed: .*Result 1 非法登录 illegal login/,
      );
      assert.ok(status.counters.reconnects >= 1);
      assert.equal(gateway.capacity(), 0);
      const [outcome] = await gateway.submit(partsOf('x'));
      assert.equal(outcome?.kind === 'retry' && outcome.code, 'SGIP:NO_LINK');
    },
  );
});

test('a wrong SMG password: the listener refuses the bind; the report stays owed to the platform', async () => {
  await withPair({ peer: { secret: 'wrong' } }, async ({ sim, gateway, recorder }) => {
    await bound(gateway, recorder);
    const [outcome] = await gateway.submit(partsOf('x'));
    assert.equal(outcome?.kind, 'accepted');
    await until(() => gateway.status().counters.errors >= 1, 'a refused SMG bind');
    assert.match(gateway.status().lastError ?? '', /the SMG's bind refused: Login Type 2, Result 1/);
    assert.equal(recorder.reports.length, 0);
    assert.equal(sim.core.stats().reportsPending, 1);
  });
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
