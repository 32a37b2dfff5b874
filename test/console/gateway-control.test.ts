/**
 * Gateways managed while the platform runs (docs/console.md "Gateways"), on SQLite and PostgreSQL:
 * a paused link takes nothing new and its messages wait queued until it is resumed; a new rate and
 * window reconnect the link with them; a link added from the console binds at once, its secret
 * sealed at rest; all of it audited, and still so after a restart; a configured link is only
 * switched off, an added one removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayView } from '../../src/console/contract/gateways.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { addConsoleUser, consoleLogin, type ConsoleClient } from '../helpers/console.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const gatewayOf = async (admin: ConsoleClient, id: string): Promise<GatewayView | undefined> =>
  (await admin.get<{ gateways: GatewayView[] }>('gateways')).json.gateways.find((g) => g.id === id);

async function send(rig: TestPlatform, mobile: string): Promise<string> {
  const res = await rig.post('/api/sms/send', {
    appName: rig.appName,
    password: rig.password,
    mobiles: mobile,
    content: '网关维护测试',
  });
  const first = (res.json as { msgIds: { msgId: string }[] }).msgIds[0];
  assert.ok(first, JSON.stringify(res.json));
  return first.msgId;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: pause, resume, retune, add and remove gateways without a restart`, async (t) => {
    const database = await createTestDatabase(dialect);
    t.after(() => database.drop());
    const options = { databaseUrl: database.url, config: { console: { enabled: true, port: 0 } } };
    let rig = await startTestPlatform(dialect, options);
    t.after(() => rig.close());
    const admin = await consoleLogin(
      rig.platform.consoleUrl ?? '',
      await addConsoleUser(rig.platform, 'gw.admin', ['system-admin'], { totp: true }),
    );
    await eventually(async () => ((await gatewayOf(admin, 'cmcc-1'))?.live?.bound === 2 ? true : undefined));

    // Paused: the links stay bound, nothing new is given to them.
    assert.equal((await admin.put('gateways/cmcc-1', { paused: true })).status, 200);
    const paused = await gatewayOf(admin, 'cmcc-1');
    assert.equal(paused?.paused, true);
    assert.equal(paused.live?.bound, 2);
    await send(rig, '13800138501');
    assert.equal(rig.platform.router.pick('cmcc'), null, 'a paused link is not picked');
    assert.equal(rig.sim.inbox('13800138501').length, 0);
    assert.equal((await admin.put('gateways/cmcc-1', { paused: false })).status, 200);
    await eventually(() => (rig.sim.inbox('13800138501').length === 1 ? true : undefined));

    // A new rate and window: the link reconnects with them; the file's values are shown beside.
    assert.equal((await admin.put('gateways/cmcc-1', { tps: 100, window: 8 })).status, 200);
    const tuned = await eventually(async () => {
      const g = await gatewayOf(admin, 'cmcc-1');
      return g?.live?.tps === 100 && g.live.bound === 2 ? g : undefined;
    });
    assert.equal(tuned.window, 8);
    assert.deepEqual(tuned.configured, { window: 16, tps: 5000, enabled: true });
    assert.equal(tuned.changedBy, 'gw.admin');

    // A second link to the same carrier, added here.
    const bad = await admin.post<{ code: string }>('gateways', { id: 'cmcc-2', protocol: 'cmpp3' });
    assert.equal(bad.status, 400);
    const link = {
      id: 'cmcc-2',
      protocol: 'cmpp3',
      host: '127.0.0.1',
      port: rig.sim.port,
      account: '901234',
      secret: 'sim-secret',
      spNumber: '1065712333',
      carriers: ['cmcc'],
      connections: 1,
      window: 4,
      tps: 50,
    };
    assert.equal((await admin.post('gateways', link)).status, 200);
    assert.equal((await admin.post<{ code: string }>('gateways', link)).json.code, 'GATEWAY_EXISTS');
    const added = await eventually(async () => {
      const g = await gatewayOf(admin, 'cmcc-2');
      return g?.live?.bound === 1 ? g : undefined;
    });
    assert.equal(added.origin, 'console');
    const row = await rig.platform.handle.db
      .selectFrom('gateway_settings')
      .select('definition')
      .where('id', '=', 'cmcc-2')
      .executeTakeFirstOrThrow();
    assert.doesNotMatch(row.definition ?? '', /sim-secret/, 'the secret is sealed at rest');
    assert.doesNotMatch(JSON.stringify((await admin.get('gateways')).json), /sim-secret/);

    // Switched off: out of the router, still listed.
    assert.equal((await admin.put('gateways/cmcc-2', { enabled: false })).status, 200);
    assert.equal(rig.platform.router.byId('cmcc-2'), undefined);
    assert.equal((await gatewayOf(admin, 'cmcc-2'))?.enabled, false);

    // A restart keeps every change.
    await rig.close();
    rig = await startTestPlatform(dialect, options);
    const again = await consoleLogin(
      rig.platform.consoleUrl ?? '',
      await addConsoleUser(rig.platform, 'gw.admin2', ['system-admin'], { totp: true }),
    );
    const kept = await eventually(async () => {
      const g = await gatewayOf(again, 'cmcc-1');
      return g?.live?.bound === 2 ? g : undefined;
    });
    assert.equal(kept.live?.tps, 100);
    assert.equal((await gatewayOf(again, 'cmcc-2'))?.enabled, false);

    assert.equal((await again.delete<{ code: string }>('gateways/cmcc-1')).json.code, 'GATEWAY_CONFIGURED');
    assert.equal((await again.delete('gateways/cmcc-2')).status, 200);
    assert.equal(await gatewayOf(again, 'cmcc-2'), undefined);
    assert.equal((await again.put<{ code: string }>('gateways/nope', { paused: true })).status, 404);

    const actions = (await searchAudit(rig.platform.handle.db, {}, 0, 200))
      .filter((e) => e.target?.startsWith('gateway:'))
      .map((e) => `${e.action}:${e.target}:${e.result}`);
    for (const expected of [
      'gateway.pause:gateway:cmcc-1:ok',
      'gateway.resume:gateway:cmcc-1:ok',
      'gateway.tune:gateway:cmcc-1:ok',
      'gateway.add:gateway:cmcc-2:ok',
      'gateway.disable:gateway:cmcc-2:ok',
      'gateway.remove:gateway:cmcc-2:ok',
      'gateway.remove:gateway:cmcc-1:failed',
    ])
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
  });
}
