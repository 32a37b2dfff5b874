/**
 * The SMGP gateway against the simulated SMGW over loopback, end to end: login right and wrong,
 * short and long submits reaching the handset, reports with the right carrierMsgId and stat,
 * uplinks short and long, Deliver_Resp after the handler, status → retry, the window under a
 * silent SMGW, TPS under an injected clock, an SMGW restarting mid-window, nothing left open.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Gateway, GatewayConfig, SubmitPart } from '../../../src/protocols/gateway.js';
import { ManualClock } from '../../../src/protocols/session/clock.js';
import type { ProtocolServer } from '../../../src/protocols/simulator/protocol-server.js';
import type { SmgpGatewayDeps } from '../../../src/protocols/smgp/index.js';
import {
  bound,
  closeWith,
  gatewayConfig,
  noHandlesLeft,
  partsOf,
  startGateway,
  type Recorder,
} from './client-helpers.js';
import { ACCOUNT, SECRET, startSim } from './sim-helpers.js';
import { until } from '../simulator/wait.js';

const MOBILE = '13300133000';

function rig(
  t: TestContext,
  sim: ProtocolServer,
  overrides: Partial<GatewayConfig> = {},
  deps: Partial<SmgpGatewayDeps> = {},
): { gateway: Gateway; recorder: Recorder } {
  const config = gatewayConfig(sim.port, { account: ACCOUNT, secret: SECRET, ...overrides });
  const started = startGateway(config, deps);
  const { clock } = deps;
  // Under a manual clock, close() may wait on timers only advancing the clock fires.
  t.after(() => (clock instanceof ManualClock ? closeWith(started.gateway, clock) : started.gateway.close()));
  return started;
}

const parts = (n: number): SubmitPart[] =>
  Array.from({ length: n }, (_, i) => partsOf(`message ${i}`, MOBILE)[0]!);

test('login right; short and long messages reach the handset; reports carry the carrierMsgId and stat', async (t) => {
  const sim = await startSim(t);
  const { gateway, recorder } = rig(t, sim);
  await bound(gateway, recorder);
  assert.equal(sim.core.stats().binds, 1);
  const short = partsOf('您的社保卡已制好。', MOBILE);
  const long = partsOf('请携带身份证到社保经办窗口办理养老保险待遇资格认证，'.repeat(4), MOBILE, 9);
  assert.equal(long.length, 2);
  const outcomes = await gateway.submit([...short, ...long]);
  const ids = outcomes.map((o) => (o.kind === 'accepted' ? o.carrierMsgId : assert.fail(JSON.stringify(o))));
  assert.ok(
    ids.every((id) => /^[0-9]{20}$/.test(id)),
    'BCD MsgIDs as 20 digits',
  );
  assert.deepEqual(
    sim.core.handsets.inbox(MOBILE).map((e) => [e.text, e.from, e.msgIds]),
    [
      [short[0]!.segment.text, '1065712333', [ids[0]]],
      [long.map((p) => p.segment.text).join(''), '1065712333', ids.slice(1)],
    ],
  );
  await recorder.signal.until(() => recorder.reports.length === 3, 'three reports');
  assert.deepEqual(
    recorder.reports.map((r) => [r.carrierMsgId, r.stat, r.mobile, r.gatewayId]).sort(),
    ids.map((id) => [id, 'DELIVRD', MOBILE, 'gw-smgp']).sort(),
  );
  for (const r of recorder.reports)
    assert.ok(Math.abs(r.doneAt - r.receivedAt) < 120_000, 'done_date parsed');
  await until(() => sim.core.stats().reportsAcked === 3, 'reports acknowledged');
});

test('login wrong: the simulator refuses (Status 21), the gateway reports it and keeps trying', async (t) => {
  const sim = await startSim(t);
  const { gateway } = rig(t, sim, { secret: 'wrong', requestTimeoutMs: 300 });
  await until(() => sim.core.stats().authFailures >= 2, 'two refused logins');
  assert.equal(gateway.status().bound, 0);
  assert.match(gateway.status().lastError ?? '', /Status 21/);
});

test('uplinks short and long reach the handler with text and concat info; Deliver_Resp only after it settles', async (t) => {
  const sim = await startSim(t);
  const { gateway, recorder } = rig(t, sim);
  await bound(gateway, recorder);
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  recorder.reply = () => (recorder.uplinks.length === 1 ? held : Promise.resolve());
  sim.injectMo({ from: '8613300133000', to: '106591233301', text: 'TD' });
  await recorder.signal.until(() => recorder.uplinks.length === 1, 'the first uplink');
  const long = '我想咨询养老保险待遇资格认证需要携带哪些材料，办理地点在哪里？'.repeat(3);
  assert.equal(sim.injectMo({ from: MOBILE, to: '106591233302', text: long }).segments, 2);
  // The later uplinks are answered; TCP keeps order, so an early answer to the first would be in by now.
  await until(() => sim.core.stats().uplinksAcked === 2, 'the long uplink acknowledged');
  assert.equal(sim.core.stats().uplinksSent, 3);
  release();
  await until(() => sim.core.stats().uplinksAcked === 3, 'the first uplink acknowledged after its handler');
  const [td, ...segments] = recorder.uplinks;
  assert.deepEqual([td?.mobile, td?.destId, td?.text, td?.concat], [MOBILE, '106591233301', 'TD', null]);
  assert.equal(
    segments
      .sort((a, b) => (a.concat?.partNo ?? 0) - (b.concat?.partNo ?? 0))
      .map((s) => s.text)
      .join(''),
    long,
  );
  assert.deepEqual(
    segments.map((s) => [s.concat?.total, s.concat?.partNo]),
    [
      [2, 1],
      [2, 2],
    ],
  );
});

test('Submit_Resp Status 1 (system busy) → retry; 47 → rejected', async (t) => {
  const sim = await startSim(t);
  const { gateway, recorder } = rig(t, sim);
  await bound(gateway, recorder);
  sim.core.configure({ submitResult: 1 });
  const [busy] = await gateway.submit(partsOf('忙', MOBILE));
  assert.equal(busy?.kind === 'retry' && busy.code, 'SMGP:1');
  sim.core.configure({ submitResult: 47 });
  const [refused] = await gateway.submit(partsOf('拒', MOBILE));
  assert.equal(refused?.kind === 'rejected' && refused.code, 'SMGP:47');
  sim.core.configure({ submitResult: 0 });
  const [fine] = await gateway.submit(partsOf('好', MOBILE));
  assert.equal(fine?.kind, 'accepted');
});

test('a silent SMGW: no more than `window` Submits are written; they end unanswered', async (t) => {
  const sim = await startSim(t);
  const { gateway, recorder } = rig(t, sim, { window: 4, requestTimeoutMs: 300 });
  await bound(gateway, recorder);
  sim.core.configure({ answerSubmits: false });
  const pending = gateway.submit(parts(6));
  await until(() => sim.core.stats().submits === 4, 'four Submits at the SMGW');
  assert.deepEqual([gateway.status().inFlight, gateway.status().queued], [4, 2]);
  assert.equal(sim.core.stats().submits, 4);
  const outcomes = await pending;
  assert.deepEqual(
    outcomes.slice(0, 4).map((o) => o.kind !== 'accepted' && o.code),
    Array(4).fill('SMGP:TIMEOUT'),
  );
});

test('TPS: under an injected clock, Submits reach the simulator at the configured rate', async (t) => {
  const sim = await startSim(t);
  const clock = new ManualClock(Date.now());
  const { gateway, recorder } = rig(t, sim, { tps: 5, requestTimeoutMs: 600_000 }, { clock });
  await bound(gateway, recorder);
  const all = gateway.submit(parts(8));
  const seen = [gateway.status().counters.submitted];
  for (let step = 1; step <= 8; step++) {
    clock.advance(200); // one token per 200 ms at 5 per second
    seen.push(gateway.status().counters.submitted);
  }
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 8]);
  assert.ok((await all).every((o) => o.kind === 'accepted'));
  assert.equal(sim.core.stats().submits, 8);
});

test('an SMGW that goes away mid-window: parts in flight are unanswered; the gateway reconnects to its successor', async (t) => {
  const first = await startSim(t);
  const { port } = first;
  const { gateway, recorder } = rig(t, first);
  await bound(gateway, recorder);
  first.core.configure({ answerSubmits: false });
  const pending = gateway.submit(parts(3));
  await until(() => first.core.stats().submits === 3, 'three Submits at the SMGW');
  await first.close(); // says Exit: the gateway answers and drops the link
  const outcomes = await pending;
  assert.deepEqual(
    outcomes.map((o) => o.kind !== 'accepted' && o.code),
    Array(3).fill('SMGP:LINK_LOST'),
  );
  const second = await startSim(t, { port });
  await until(() => gateway.status().bound === 1, 'bound to the new SMGW');
  const [after] = await gateway.submit(parts(1));
  assert.equal(after?.kind, 'accepted');
  assert.equal(second.core.stats().binds, 1);
  assert.ok(gateway.status().counters.reconnects >= 1);
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
