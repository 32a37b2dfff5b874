/**
 * `serve --demo` offers its in-process carrier simulators to the console's handset page:
 * each link answers with its gateway's service number, and a citizen's text through the China
 * Mobile (CMPP) and China Unicom (SGIP) links is answered on that phone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freePortRange, runCli, type ChildHandle } from '../../src/bench/processes.js';
import { consoleLogin } from '../helpers/console.js';
import { eventually } from '../helpers/platform.js';

interface Link {
  id: number;
  name: string;
  carriers: string[];
  serviceNumber: string;
}

test('serve --demo: the handset page texts the platform through each carrier simulator', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-demo-handset-'));
  let demo: ChildHandle | null = null;
  t.after(async () => {
    await demo?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  demo = runCli(
    ['serve', '--demo'],
    {
      SMS12333_INTERFACE_PORT: String(await freePort()),
      SMS12333_DEMO_SIMULATOR_PORT: String(await freePortRange(5)),
      SMS12333_DEMO_CONTROL_PORT: String(await freePortRange(4)),
      SMS12333_METRICS_PORT: String(await freePort()),
      SMS12333_CONSOLE_PORT: String(await freePort()),
    },
    dir,
  );
  const running = demo;
  const banner = await eventually(
    () => {
      const out = running.stdout();
      const url = /控制台 console\s+(http:\/\/\S+)\/console\//.exec(out)?.[1];
      const password = /^ {4}operator\s.*?one-time password: (\S+)$/m.exec(out)?.[1];
      return url !== undefined && password !== undefined && /按 Ctrl\+C 停止/.test(out)
        ? { url, password }
        : undefined;
    },
    60_000,
    `the banner\n${running.stderr()}`,
  );
  const first = await consoleLogin(banner.url, {
    username: 'operator',
    password: banner.password,
    totpSecret: null,
  });
  await first.post('password', { currentPassword: banner.password, newPassword: 'Operat0r-Handset' });
  const user = await consoleLogin(banner.url, {
    username: 'operator',
    password: 'Operat0r-Handset',
    totpSecret: null,
  });

  const { links } = (await user.get<{ links: Link[] }>('handset/links')).json;
  assert.deepEqual(
    links.map((l) => [l.carriers.join(','), l.serviceNumber]),
    [
      ['cmcc', '1065712333'],
      ['cucc', '1065712333'],
      ['ctcc', '1065712333'],
      ['cbn,mvno', '1065712333'],
    ],
  );
  for (const [carrier, mobile] of [
    ['cmcc', '13800138000'],
    ['cucc', '13012345678'],
  ] as const) {
    const link = links.find((l) => l.carriers.includes(carrier));
    assert.ok(link);
    const sent = await user.post('handset/mo', { link: link.id, mobile, text: 'CBXX#' });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const reply = await eventually(
      async () =>
        (await user.get<{ messages: { text: string }[] }>(`handset/inbox?link=${link.id}&mobile=${mobile}`))
          .json.messages[0],
      30_000,
      `a reply on ${link.name}`,
    );
    assert.match(reply.text, /^【12333】/, `${carrier}: ${reply.text}`);
  }
});
