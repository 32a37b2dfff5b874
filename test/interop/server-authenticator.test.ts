/**
 * Carrier gateways that compute the login's server authenticator another way than the spec
 * (docs/protocols.md §9 item 12): MD5 of the status alone, a fixed string, the status as one octet.
 * Our CMPP 3.0 and SMGP simulators answer each way; `verifyServerAuthenticator: strict` refuses the
 * link and says why, `warn` keeps it (messages go through, the gateway status says why), `off` keeps
 * it silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentText } from '../../src/domain/text/index.js';
import type {
  Gateway,
  GatewayConfig,
  ServerAuthenticatorCheck,
  SubmitPart,
} from '../../src/protocols/gateway.js';
import { createGateway } from '../../src/protocols/registry.js';
import { startSimulator, type Simulator } from '../../src/protocols/simulator/index.js';
import type { ServerAuthenticatorStyle } from '../../src/protocols/simulator/types.js';
import { silentLogger } from '../../src/shared/log.js';
import { Recorder } from '../protocols/cmpp/client-helpers.js';
import { until } from '../protocols/simulator/wait.js';

const STYLES: readonly Exclude<ServerAuthenticatorStyle, 'spec'>[] = [
  'status-only',
  'fixed',
  'one-octet-status',
];

function config(protocol: 'cmpp3' | 'smgp', port: number, check: ServerAuthenticatorCheck): GatewayConfig {
  return {
    id: `${protocol}-${check}`,
    protocol,
    host: '127.0.0.1',
    port,
    account: '901234',
    secret: 'sim-secret',
    spNumber: '1065712333',
    serviceId: 'HRSS',
    carriers: ['cmcc'],
    connections: 1,
    window: 8,
    tps: 1000,
    requestTimeoutMs: 2000,
    keepaliveMs: 60_000,
    reconnectMinMs: 20,
    reconnectMaxMs: 40,
    weight: 1,
    verifyServerAuthenticator: check,
  };
}

const part = (text: string): SubmitPart => {
  const [segment] = segmentText(text, 'cn', 0);
  return { messageId: 1, mobile: '13800138000', srcId: '1065712333', segment: segment!, wantReport: true };
};

async function withGateway(
  cfg: GatewayConfig,
  run: (g: Gateway, r: Recorder) => Promise<void>,
): Promise<void> {
  const gateway = createGateway(cfg, { logger: silentLogger() });
  const recorder = new Recorder();
  gateway.start(recorder.handlers());
  try {
    await run(gateway, recorder);
  } finally {
    await gateway.close();
  }
}

for (const protocol of ['cmpp3', 'smgp'] as const) {
  const field = protocol === 'smgp' ? 'AuthenticatorServer' : 'AuthenticatorISMG';
  test(`${protocol}: a gateway whose ${field} is wrong each deployed way — strict refuses, warn and off deliver`, async () => {
    for (const style of STYLES) {
      const sim: Simulator = await startSimulator({
        protocol,
        port: 0,
        account: '901234',
        secret: 'sim-secret',
        dlrDelayMs: 5,
        serverAuthenticator: style,
      });
      try {
        await withGateway(config(protocol, sim.port, 'strict'), async (gateway) => {
          const status = await until(() => {
            const s = gateway.status();
            return s.lastError !== null && s.counters.reconnects >= 1 ? s : undefined;
          }, `${style}: strict refusal`);
          assert.equal(status.bound, 0, style);
          assert.match(status.lastError ?? '', new RegExp(`${field} 校验失败`), style);
          assert.equal(status.warning, null);
          const [outcome] = await gateway.submit([part('strict')]);
          assert.notEqual(outcome?.kind, 'accepted', `${style}: nothing goes over a refused link`);
        });
        for (const check of ['warn', 'off'] as const) {
          await withGateway(config(protocol, sim.port, check), async (gateway, recorder) => {
            await recorder.signal.until(() => gateway.status().bound === 1, `${style} ${check}: bound`);
            const [outcome] = await gateway.submit([part(`${style} ${check}`)]);
            assert.equal(outcome?.kind, 'accepted', `${style} ${check}`);
            await recorder.signal.until(() => recorder.reports.length === 1, `${style} ${check}: report`);
            assert.equal(recorder.reports[0]?.stat, 'DELIVRD');
            const status = gateway.status();
            assert.equal(status.lastError, null, `${style} ${check}: not an error`);
            if (check === 'warn') assert.match(status.warning ?? '', new RegExp(`${field} 校验失败.*warn`));
            else assert.equal(status.warning, null);
          });
        }
        assert.ok(
          sim.inbox().some((m) => m.text === `${style} warn`),
          `${style}: the message reached the handset`,
        );
      } finally {
        await sim.close();
      }
    }
  });
}

test('a gateway that follows the spec binds in strict mode with no warning', async () => {
  const sim = await startSimulator({ protocol: 'smgp', port: 0, account: '901234', secret: 'sim-secret' });
  try {
    await withGateway(config('smgp', sim.port, 'strict'), async (gateway, recorder) => {
      await recorder.signal.until(() => gateway.status().bound === 1, 'bound');
      assert.equal(gateway.status().warning, null);
    });
  } finally {
    await sim.close();
  }
});
