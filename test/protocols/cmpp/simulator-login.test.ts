/**
 * CMPP_CONNECT against the simulated ISMG (protocols docs/protocols.md §1.3), for both versions: the right
 * account and secret get Status 0 and AuthenticatorISMG; a wrong Source_Addr Status 2, a wrong
 * secret Status 3, a newer protocol Status 4, each followed by the link closing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cmppAuthenticatorIsmg,
  cmppAuthenticatorSource,
  cmppTimestamp,
  type CmppVersion,
} from '../../../src/protocols/cmpp/index.js';
import { startSimulator, type Simulator } from '../../../src/protocols/simulator/index.js';
import { TestCmppClient, ucs2, VERSION_BYTE } from '../simulator/cmpp-client.js';

const ACCOUNT = '901234';
const SECRET = 'sim-secret';

async function simulator(protocol: CmppVersion): Promise<Simulator> {
  return startSimulator({
    protocol,
    port: 0,
    controlPort: null,
    account: ACCOUNT,
    secret: SECRET,
    dlrDelayMs: 10,
  });
}

for (const version of ['cmpp3', 'cmpp2'] as const) {
  test(`${version}: the configured account logs in, with AuthenticatorISMG per the spec`, async (t) => {
    const sim = await simulator(version);
    t.after(() => sim.close());
    const client = await TestCmppClient.open(sim.port, version);
    t.after(() => client.close());
    const at = Date.now();
    const resp = await client.login(ACCOUNT, SECRET, { at });
    assert.equal(resp.status, 0);
    assert.equal(resp.version, VERSION_BYTE[version]);
    const source = cmppAuthenticatorSource(ACCOUNT, SECRET, cmppTimestamp(at).text);
    assert.deepEqual(resp.authenticatorIsmg, cmppAuthenticatorIsmg(version, 0, source, SECRET));
    assert.equal(sim.stats().binds, 1);
    assert.equal(sim.stats().connections, 1);
    const active = await client.request(
      { command: 'CMPP_ACTIVE_TEST', sequenceId: client.nextSequence() },
      'CMPP_ACTIVE_TEST_RESP',
    );
    assert.equal(active.command, 'CMPP_ACTIVE_TEST_RESP');
  });

  const refusals = [
    { name: 'a wrong account', account: '999999', secret: SECRET, status: 2 },
    { name: 'a wrong secret', account: ACCOUNT, secret: 'guess', status: 3 },
  ];
  for (const r of refusals) {
    test(`${version}: ${r.name} gets Status ${r.status} and the link closes`, async (t) => {
      const sim = await simulator(version);
      t.after(() => sim.close());
      const client = await TestCmppClient.open(sim.port, version);
      t.after(() => client.close());
      const resp = await client.login(r.account, r.secret);
      assert.equal(resp.status, r.status);
      assert.deepEqual(resp.authenticatorIsmg, Buffer.alloc(16), 'empty when authentication fails');
      await client.closed;
      assert.equal(sim.stats().authFailures, 1);
      assert.equal(sim.stats().binds, 0);
    });
  }

  test(`${version}: a minor version of the same protocol is served, answered with the server's version`, async (t) => {
    const sim = await simulator(version);
    t.after(() => sim.close());
    const client = await TestCmppClient.open(sim.port, version);
    t.after(() => client.close());
    const resp = await client.login(ACCOUNT, SECRET, { versionByte: VERSION_BYTE[version] + 1 });
    assert.equal(resp.status, 0);
    assert.equal(resp.version, VERSION_BYTE[version]);
  });

  test(`${version}: a SUBMIT before CONNECT closes the link`, async (t) => {
    const sim = await simulator(version);
    t.after(() => sim.close());
    const client = await TestCmppClient.open(sim.port, version);
    t.after(() => client.close());
    client.send(client.submitPdu({ destTerminalId: ['13800138000'], msgContent: ucs2('你好') }));
    await client.closed;
    assert.equal(sim.inbox().length, 0);
  });
}

test('cmpp2 server: a CMPP 3.0 client gets Status 4 and version 0x20', async (t) => {
  const sim = await simulator('cmpp2');
  t.after(() => sim.close());
  const client = await TestCmppClient.open(sim.port, 'cmpp2');
  t.after(() => client.close());
  const resp = await client.login(ACCOUNT, SECRET, { versionByte: 0x30 });
  assert.equal(resp.status, 4);
  assert.equal(resp.version, 0x20);
  await client.closed;
  assert.equal(sim.stats().authFailures, 1);
});

test('cmpp3 server: a CMPP 2.0 client is served in the 2.0 layout', async (t) => {
  const sim = await simulator('cmpp3');
  t.after(() => sim.close());
  const client = await TestCmppClient.open(sim.port, 'cmpp2');
  t.after(() => client.close());
  const resp = await client.login(ACCOUNT, SECRET);
  assert.equal(resp.status, 0);
  assert.equal(resp.version, 0x20);
  const submitted = await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('版本二') });
  assert.equal(submitted.result, 0);
  const report = await client.next('CMPP_DELIVER');
  assert.equal(report.msgContent.length, 60, 'the 2.0 report body');
  assert.equal(sim.inbox('13800138000')[0]?.text, '版本二');
});
