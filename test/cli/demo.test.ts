/**
 * The newcomer's path: `sms12333 serve --demo` in an empty folder prints where to look and a curl
 * that sends a message; doing what it says puts the message on the simulated handset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freePortRange, runCli, type ChildHandle } from '../../src/bench/processes.js';
import { eventually } from '../helpers/platform.js';

interface Banner {
  sendUrl: string;
  sendBody: Record<string, unknown>;
  inboxUrl: string;
  password: string;
}

function readBanner(text: string): Banner | undefined {
  const send = /curl -s (\S+\/api\/sms\/send) -H 'Content-Type: application\/json' -d '([^']+)'/.exec(text);
  const inbox = /curl -s '(\S+\/sim\/inbox\?mobile=\d+)'/.exec(text);
  const password = /appName=demo\s+password=(\S+)/.exec(text);
  if (!send?.[1] || !send[2] || !inbox?.[1] || !password?.[1]) return undefined;
  return {
    sendUrl: send[1],
    sendBody: JSON.parse(send[2]) as Record<string, unknown>,
    inboxUrl: inbox[1],
    password: password[1],
  };
}

test('serve --demo: the printed curl sends a message that reaches the simulated handset', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-demo-'));
  const children: ChildHandle[] = [];
  t.after(async () => {
    for (const c of children) await c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    SMS12333_INTERFACE_PORT: String(await freePort()),
    // Four simulators and the SGIP listener take consecutive ports from these bases.
    SMS12333_DEMO_SIMULATOR_PORT: String(await freePortRange(5)),
    SMS12333_DEMO_CONTROL_PORT: String(await freePortRange(4)),
    SMS12333_METRICS_PORT: String(await freePort()),
    SMS12333_CONSOLE_PORT: String(await freePort()),
  };
  const start = async (): Promise<{ demo: ChildHandle; banner: Banner }> => {
    const demo = runCli(['serve', '--demo'], env, dir);
    children.push(demo);
    const banner = await eventually(
      () => readBanner(demo.stdout()),
      60_000,
      `the demo banner\n${demo.stderr()}`,
    );
    return { demo, banner };
  };

  const { demo, banner } = await start();
  assert.match(demo.stdout(), /演示模式已启动/);
  assert.equal(banner.sendBody.password, banner.password);
  const res = await fetch(banner.sendUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(banner.sendBody),
  });
  const answer = (await res.json()) as { code: number };
  assert.equal(answer.code, 1);
  const inbox = await eventually(async () => {
    const r = (await (await fetch(banner.inboxUrl)).json()) as { messages: { text: string }[] };
    return r.messages.length > 0 ? r.messages : undefined;
  });
  assert.equal(inbox[0]?.text, `【12333】${String(banner.sendBody.content)}`);

  // The printed citizen commands: bind the demo person, then ask for the insurance summary.
  const texts = [
    ...demo.stdout().matchAll(/curl -s (\S+\/sim\/mo) -H 'Content-Type: application\/json' -d '([^']+)'/g),
  ]
    .map((m) => ({ url: m[1] ?? '', body: JSON.parse(m[2] ?? '{}') as { to: string; text: string } }))
    .filter((mo) => mo.body.to === '1065712333');
  assert.deepEqual(
    texts.map((mo) => mo.body.text.split('#')[0]),
    ['BD', 'CBXX'],
  );
  const answers: string[] = [];
  for (const mo of texts) {
    await fetch(mo.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mo.body),
    });
    const seen = answers.length + 2;
    answers.push(
      await eventually(async () => {
        const r = (await (await fetch(banner.inboxUrl)).json()) as { messages: { text: string }[] };
        return r.messages.length >= seen ? r.messages[seen - 1]?.text : undefined;
      }),
    );
  }
  assert.match(answers[0] ?? '', /^【12333】张\*\(2101\*+\d{3}[\dX]\)已与本机绑定/);
  assert.match(answers[1] ?? '', /^【12333】张\*\(2101\*+\d{3}[\dX]\)参保:养老正常,医疗正常/);

  // Every carrier has its own simulated link: Unicom over SGIP, Telecom over SMGP, Broadnet over SMPP.
  const others = { '13000130000': 1, '13300133000': 2, '19200192000': 3 } as const;
  const more = await fetch(banner.sendUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...banner.sendBody, mobiles: Object.keys(others) }),
  });
  assert.equal(((await more.json()) as { code: number }).code, 1);
  const controlBase = Number(env.SMS12333_DEMO_CONTROL_PORT);
  for (const [mobile, offset] of Object.entries(others)) {
    const got = await eventually(
      async () => {
        const r = (await (
          await fetch(`http://127.0.0.1:${controlBase + offset}/sim/inbox?mobile=${mobile}`)
        ).json()) as { messages: unknown[] };
        return r.messages.length > 0 ? r.messages : undefined;
      },
      20_000,
      `${mobile} on simulator ${offset}`,
    );
    assert.equal(got.length, 1);
  }

  assert.equal(await demo.kill('SIGTERM'), 0, 'a clean stop on SIGTERM');
  // A restart keeps its data and its generated credentials.
  const again = await start();
  assert.equal(again.banner.password, banner.password);
  assert.equal(await again.demo.kill('SIGTERM'), 0);
});
