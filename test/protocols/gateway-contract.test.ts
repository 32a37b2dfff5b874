/**
 * The gateway contract (src/protocols/gateway.ts), one suite run per protocol against its simulator
 * over loopback: a wrong secret keeps the link down and says why; short and long messages are
 * accepted, reach the handset whole and are reported with the ids the submits gave; a failed
 * message's report counts as FAILED; uplinks short and long reach the handler; nothing stays open.
 * Each protocol's own tests keep only what is particular to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeOfStat } from '../../src/domain/status.js';
import { segmentText } from '../../src/domain/text/index.js';
import type { Gateway, GatewayConfig, Protocol, SubmitPart } from '../../src/protocols/gateway.js';
import { createGateway } from '../../src/protocols/registry.js';
import { startSimulator, type Simulator } from '../../src/protocols/simulator/index.js';
import { silentLogger } from '../../src/shared/log.js';
import { freePort } from '../../src/bench/processes.js';
import { noHandlesLeft, Recorder } from './cmpp/client-helpers.js';
import { until } from './simulator/wait.js';

const SHORT = '您的社保卡已制好，请到网点领取。';
const LONG = '您好，您的养老金已于本月发放到账，请注意查收；如有疑问请拨打12333咨询。'.repeat(3);
const MO_LONG = '我想咨询一下养老保险关系转移接续的办理流程和所需材料，'.repeat(4);

type Tested = Exclude<Protocol, 'ministry'>;

async function setup(
  protocol: Tested,
): Promise<{ sim: Simulator; config: (secret: string) => GatewayConfig }> {
  const listenPort = protocol === 'sgip' ? await freePort() : 0;
  const sim = await startSimulator({
    protocol,
    port: 0,
    account: '901234',
    secret: 'sim-pw',
    dlrDelayMs: 5,
    ...(protocol === 'sgip' && {
      peer: { host: '127.0.0.1', port: listenPort, account: 'smg', secret: 'smg-secret' },
    }),
  });
  const config = (secret: string): GatewayConfig => ({
    id: `${protocol}-contract`,
    protocol,
    host: '127.0.0.1',
    port: sim.port,
    account: '901234',
    secret,
    spNumber: '1065712333',
    serviceId: 'HRSS',
    carriers: ['cmcc'],
    connections: 1,
    window: 16,
    tps: 1000,
    requestTimeoutMs: 2000,
    keepaliveMs: 60_000,
    reconnectMinMs: 20,
    reconnectMaxMs: 40,
    weight: 1,
    ...(protocol === 'sgip' && {
      sgip: {
        nodeId: 3010012333,
        corpId: '12333',
        listenHost: '127.0.0.1',
        listenPort,
        smgLogin: 'smg',
        smgPassword: 'smg-secret',
        reportFlag: 1,
        idleCloseMs: 60_000,
      },
    }),
  });
  return { sim, config };
}

function partsOf(gateway: Gateway, text: string, mobile: string, messageId: number): SubmitPart[] {
  return segmentText(text, gateway.textProfile, messageId).map((segment) => ({
    messageId,
    mobile,
    srcId: '1065712333',
    segment,
    wantReport: true,
  }));
}

function started(config: GatewayConfig): { gateway: Gateway; recorder: Recorder } {
  const gateway = createGateway(config, { logger: silentLogger() });
  const recorder = new Recorder();
  gateway.start(recorder.handlers());
  return { gateway, recorder };
}

for (const protocol of ['cmpp3', 'cmpp2', 'sgip', 'smgp', 'smpp'] as const) {
  test(`${protocol}: the gateway contract against the simulator`, async () => {
    const { sim, config } = await setup(protocol);
    try {
      // A wrong secret: no link, the reason shown, parts not taken.
      const wrong = started(config('bad-pw'));
      try {
        await until(() => wrong.gateway.status().lastError ?? undefined, 'the refusal');
        assert.equal(wrong.gateway.status().bound, 0);
        const [refused] = await wrong.gateway.submit(partsOf(wrong.gateway, 'x', '13800138000', 1));
        assert.notEqual(refused?.kind, 'accepted');
      } finally {
        await wrong.gateway.close();
      }

      const { gateway, recorder } = started(config('sim-pw'));
      try {
        await recorder.signal.until(() => gateway.status().bound > 0, 'bound');
        const short = partsOf(gateway, SHORT, '13800138000', 2);
        const long = partsOf(gateway, LONG, '13900139000', 3);
        assert.ok(long.length > 1);
        const outcomes = await gateway.submit([...short, ...long]);
        assert.ok(
          outcomes.every((o) => o.kind === 'accepted'),
          JSON.stringify(outcomes),
        );
        const ids = new Set(outcomes.map((o) => o.carrierMsgId));
        await until(() => sim.inbox().length === 2 || undefined, 'both messages on the handsets');
        assert.deepEqual(
          sim
            .inbox()
            .map((m) => [m.mobile, m.text])
            .sort(),
          [
            ['13800138000', SHORT],
            ['13900139000', LONG],
          ],
        );
        const parts = short.length + long.length;
        await recorder.signal.until(() => recorder.reports.length === parts, 'a report per part');
        for (const r of recorder.reports) {
          assert.ok(ids.has(r.carrierMsgId), `${r.carrierMsgId} names a submit`);
          assert.equal(r.stat, 'DELIVRD');
        }

        // A failed message: its report counts FAILED whatever the protocol calls it.
        sim.configure({ failRate: 1 });
        const [failing] = await gateway.submit(partsOf(gateway, 'fail', '13700137000', 4));
        assert.equal(failing?.kind, 'accepted');
        await recorder.signal.until(() => recorder.reports.length === parts + 1, 'the failure report');
        assert.equal(outcomeOfStat(recorder.reports.at(-1)!.stat), 'FAILED');

        // Uplinks: a short one, and a long one in segments that join to its text.
        await sim.injectMo({ from: '13600136000', to: '106571233301', text: 'TD' });
        await sim.injectMo({ from: '13600136000', to: '106571233301', text: MO_LONG });
        await recorder.signal.until(
          () =>
            recorder.uplinks.length > 1 &&
            recorder.uplinks.filter((u) => u.concat !== null).length ===
              recorder.uplinks.at(-1)?.concat?.total,
          'the uplinks',
        );
        const [td, ...segments] = recorder.uplinks;
        assert.deepEqual(
          [td?.mobile, td?.destId, td?.text, td?.concat],
          ['13600136000', '106571233301', 'TD', null],
        );
        assert.equal(
          segments
            .sort((a, b) => (a.concat?.partNo ?? 0) - (b.concat?.partNo ?? 0))
            .map((s) => s.text)
            .join(''),
          MO_LONG,
        );
      } finally {
        await gateway.close();
      }
    } finally {
      await sim.close();
    }
    assert.deepEqual(await noHandlesLeft(), []);
  });
}
