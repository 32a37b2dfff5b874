/**
 * Business-system accounts in the console on SQLite and PostgreSQL: an account created
 * here works on the HTTP interface with its one-time password; a freeze answers code 6, a top-up
 * changes the balance the interface reports, a password reset makes the old one code 8; the rules
 * of `sms12333 app add` hold (signature, ext code outside the survey space and unique, CIDRs);
 * the service account is not listed; the audit log has data and operation entries without the
 * password; roles without app.manage get 403.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appSaved, appsAnswer } from '../../src/console/contract/apps.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

interface AppView {
  id: number;
  name: string;
  status: string;
  balance: number;
  signature: string;
  extCode: string;
  ipWhitelist: string[];
  todayMessages: number;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: an account made in the console works on the interface until frozen or its password reset`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    // No port needed: the calls go through inject().
    const consoleApp = rig.platform.consoleApp;
    assert.ok(consoleApp);
    const admin = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'sys.admin', ['system-admin'], { totp: true }),
    );
    const operator = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'op', ['operator']));
    const balanceOf = async (appName: string, password: string) =>
      (await rig.post('/api/sms/balance', { appName, password })).json;

    const created = await admin.post<{ app: AppView; password: string }>('apps', {
      name: 'yibao',
      signature: '【医保局】',
      extCode: '25',
      ipWhitelist: '127.0.0.1/32, ::1/128',
      reportUrl: 'https://yibao.example/report',
      balance: 100,
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.deepEqual(appSaved.parse(created.json), created.json, 'the contract, nothing more');
    const { app, password } = created.json;
    assert.match(password, /^[A-Za-z2-9]{16}$/);
    assert.deepEqual(app.ipWhitelist, ['127.0.0.1/32', '::1/128']);
    const first = await balanceOf('yibao', password);
    assert.equal(first.code, 1);
    assert.equal(first.balance, 100);

    const list = await admin.get<{ apps: AppView[] }>('apps');
    assert.deepEqual(appsAnswer.parse(list.json), list.json, 'the contract, nothing more');
    assert.deepEqual(list.json.apps.map((a) => a.name).sort(), ['hrss', 'yibao']);
    assert.ok(
      list.json.apps.every((a) => a.id !== 0),
      'the service account is not listed',
    );
    assert.doesNotMatch(JSON.stringify(list.json), /password|\$argon2/i);

    // The rules of `sms12333 app add`.
    const refused = async (body: Record<string, unknown>, code: string) => {
      const res = await admin.post<{ code: string }>('apps', { name: 'other', ...body });
      assert.equal(res.json.code, code, JSON.stringify(body));
    };
    await refused({ extCode: '91' }, 'APP_INVALID'); // citizen.surveyExtPrefix is 9
    await refused({ extCode: '25' }, 'APP_EXT_TAKEN');
    await refused({ extCode: '2a' }, 'APP_INVALID');
    await refused({ signature: '医保局' }, 'APP_INVALID');
    await refused({ ipWhitelist: '10.0.0.0/33' }, 'APP_INVALID');
    await refused({ name: 'yibao' }, 'APP_EXISTS');
    assert.equal(
      (await admin.put<{ code: string }>('apps/0', { signature: '【12333】' })).json.code,
      'APP_NOT_FOUND',
    );

    const edited = await admin.put<{ app: AppView }>(`apps/${app.id}`, {
      signature: '【市医保局】',
      extCode: '26',
      ipWhitelist: '127.0.0.0/8',
    });
    assert.equal(edited.json.app.signature, '【市医保局】');
    assert.equal(edited.json.app.extCode, '26');

    const topUp = await admin.post<{ balance: number; before: number }>(`apps/${app.id}/top-up`, {
      segments: 250,
    });
    assert.deepEqual(topUp.json, { balance: 350, before: 100 });
    assert.equal((await admin.post(`apps/${app.id}/top-up`, { segments: 0 })).status, 400);
    assert.equal((await balanceOf('yibao', password)).balance, 350);

    assert.equal((await admin.post(`apps/${app.id}/status`, { status: 'frozen' })).status, 200);
    await eventually(async () => ((await balanceOf('yibao', password)).code === 6 ? true : undefined), 3000);
    await admin.post(`apps/${app.id}/status`, { status: 'active' });
    await eventually(async () => ((await balanceOf('yibao', password)).code === 1 ? true : undefined), 3000);

    const reset = await admin.post<{ password: string }>(`apps/${app.id}/reset-password`, {});
    assert.notEqual(reset.json.password, password);
    await eventually(async () => ((await balanceOf('yibao', password)).code === 8 ? true : undefined), 3000);
    assert.equal((await balanceOf('yibao', reset.json.password)).code, 1);

    // Only app.manage.
    assert.equal((await operator.get('apps')).status, 403);
    assert.equal((await operator.post(`apps/${app.id}/top-up`, { segments: 5 })).status, 403);

    const entries = await searchAudit(rig.platform.handle.db, {}, 0, 500);
    const actions = entries.filter((e) => e.target === 'yibao').map((e) => `${e.kind}:${e.action}`);
    for (const wanted of [
      'data:app.create',
      'data:app.edit',
      'operation:app.top-up',
      'operation:app.freeze',
      'operation:app.unfreeze',
      'operation:app.reset-password',
    ])
      assert.ok(actions.includes(wanted), `${wanted} in ${actions.join(', ')}`);
    const topUpEntry = entries.find((e) => e.action === 'app.top-up');
    assert.deepEqual(JSON.parse(topUpEntry?.detail ?? 'null'), { segments: 250, before: 100, after: 350 });
    const all = JSON.stringify(entries);
    assert.ok(!all.includes(password) && !all.includes(reset.json.password), 'no password in the audit log');
  });
}
