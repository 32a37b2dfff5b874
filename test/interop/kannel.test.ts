/**
 * Interoperability with Kannel (Debian's `kannel`): its bearerbox binds to our simulated SMSC as an
 * SMPP transceiver (an `smsc = smpp` group), a message sent through its smsbox's sendsms HTTP
 * interface arrives in the simulator's inbox (a long Chinese one cut by Kannel's own UDH code), the
 * simulator's receipt comes back to Kannel as a delivery report it understands, and a citizen's
 * uplink reaches Kannel's sms-service, whose answer goes back to the handset. Kannel missing fails
 * the test (the CI script installs it); it never skips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/bench/processes.js';
import { SIM_ACCOUNT, SIM_SECRET, startSim } from '../protocols/smpp/sim-helpers.js';
import { until } from '../protocols/simulator/wait.js';
import { PeerProcess } from './peer-process.js';

const ADMIN_PASSWORD = 'kadmin';

interface KannelPorts {
  admin: number;
  smsbox: number;
  sendsms: number;
}

function kannelConfig(dir: string, ports: KannelPorts, smscPort: number, callbackPort: number): string {
  return `
group = core
admin-port = ${ports.admin}
admin-password = ${ADMIN_PASSWORD}
status-password = ${ADMIN_PASSWORD}
admin-interface = 127.0.0.1
smsbox-port = ${ports.smsbox}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "${dir}/bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = ${smscPort}
transceiver-mode = true
smsc-username = ${SIM_ACCOUNT}
smsc-password = ${SIM_SECRET}
system-type = ""
source-addr-ton = 0
source-addr-npi = 0
dest-addr-ton = 1
dest-addr-npi = 1
enquire-link-interval = 30
reconnect-delay = 1
msg-id-type = 0x01

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${ports.smsbox}
sendsms-port = ${ports.sendsms}
sendsms-interface = 127.0.0.1
log-file = "${dir}/smsbox.log"
log-level = 0
mo-recode = true

group = sendsms-user
username = hrss
password = kpass
max-messages = 5
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 1
accept-x-kannel-headers = true
get-url = "http://127.0.0.1:${callbackPort}/mo?from=%p&to=%P&text=%a"
`;
}

/** Polls an asynchronous check every 50 ms for up to 20 s (Kannel starts in about a second). */
async function poll(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Callbacks {
  port: number;
  requests: URL[];
  close(): Promise<void>;
}

/** Kannel's sms-service and dlr-url land here; the MO answer is what Kannel sends back. */
async function startCallbacks(): Promise<Callbacks> {
  const requests: URL[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    // Without it Kannel would squeeze the Chinese answer into the GSM alphabet.
    res.setHeader('x-kannel-coding', '2');
    res.end(url.pathname === '/mo' ? '您的查询已受理' : 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('Kannel: bearerbox binds to our SMPP simulator; sendsms reaches the inbox with a receipt back; an uplink reaches its sms-service', async () => {
  const sim = await startSim({ dlrDelayMs: 20 });
  const callbacks = await startCallbacks();
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-kannel-'));
  const ports: KannelPorts = { admin: await freePort(), smsbox: await freePort(), sendsms: await freePort() };
  const conf = join(dir, 'kannel.conf');
  writeFileSync(conf, kannelConfig(dir, ports, sim.port, callbacks.port));
  const bearerbox = new PeerProcess('bearerbox', [conf], { cwd: dir });
  let smsbox: PeerProcess | null = null;
  try {
    // Kannel's status page says "online" for the smsc once its bind was accepted.
    await poll(async () => {
      bearerbox.assertRunning();
      const status = await fetch(
        `http://127.0.0.1:${ports.admin}/status.txt?password=${ADMIN_PASSWORD}`,
      ).then(
        (r) => r.text(),
        () => '',
      );
      return /^\s*sim\[sim\].*\(online/m.test(status);
    }, 'Kannel to bind to the simulator');
    smsbox = new PeerProcess('smsbox', [conf], { cwd: dir });
    const sendsms = async (params: Record<string, string>): Promise<{ status: number; body: string }> => {
      const query = new URLSearchParams({ username: 'hrss', password: 'kpass', ...params });
      for (let attempt = 0; ; attempt++) {
        smsbox?.assertRunning();
        try {
          const res = await fetch(`http://127.0.0.1:${ports.sendsms}/cgi-bin/sendsms?${query.toString()}`);
          return { status: res.status, body: await res.text() };
        } catch (err) {
          // smsbox opens its HTTP port a moment after it starts.
          if (attempt > 200) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };

    const long =
      '尊敬的参保人：您的养老保险待遇已于本月十日发放到您的社会保障卡银行账户，请注意查收。如有疑问，请拨打12333咨询，或登录当地人力资源和社会保障局网站查询。';
    assert.ok(long.length > 70, 'long enough for two parts');
    const sent = [
      await sendsms({ from: '10657', to: '13800138000', text: 'Your card is ready' }),
      await sendsms({
        from: '10657',
        to: '13900139000',
        text: long,
        charset: 'UTF-8',
        coding: '2',
        'dlr-mask': '1',
        'dlr-url': `http://127.0.0.1:${callbacks.port}/dlr?status=%d&to=%p&reply=%A`,
      }),
    ];
    for (const s of sent) assert.match(s.body, /Accepted for delivery|Sent/, s.body);
    const inbox = await until(
      () => {
        const messages = sim.core.handsets.inbox();
        return messages.length >= 2 ? messages : undefined;
      },
      'two messages in the simulator inbox',
      10_000,
    );
    assert.deepEqual(inbox.map((m) => [m.mobile, m.text, m.segments]).sort(), [
      ['13800138000', 'Your card is ready', 1],
      ['13900139000', long, 2],
    ]);
    // dlr-mask 1 = delivered: Kannel matched our receipt to its submit and read the state.
    const dlr = await until(
      () => callbacks.requests.find((r) => r.pathname === '/dlr'),
      "Kannel's delivery report callback",
      10_000,
    );
    assert.equal(dlr.searchParams.get('status'), '1');
    assert.equal(dlr.searchParams.get('to'), '13900139000');
    assert.match(dlr.searchParams.get('reply') ?? '', /stat:DELIVRD/);

    // A citizen texts 12333: the uplink reaches Kannel's sms-service; its answer goes back out.
    sim.injectMo({ from: '13700137000', to: '1065712333', text: 'CBXX#' });
    const mo = await until(
      () => callbacks.requests.find((r) => r.pathname === '/mo'),
      "Kannel's sms-service callback",
      10_000,
    );
    assert.deepEqual(
      [mo.searchParams.get('from'), mo.searchParams.get('to'), mo.searchParams.get('text')],
      ['13700137000', '1065712333', 'CBXX#'],
    );
    await until(
      () => sim.core.handsets.inbox().find((m) => m.mobile === '13700137000'),
      "the sms-service's answer at the handset",
      10_000,
    );
    assert.equal(sim.core.handsets.inbox().find((m) => m.mobile === '13700137000')?.text, '您的查询已受理');
    await until(() => sim.core.stats().uplinksAcked === 1, 'the uplink acknowledged', 10_000);
  } finally {
    await smsbox?.close('SIGTERM');
    await bearerbox.close('SIGTERM');
    await callbacks.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
