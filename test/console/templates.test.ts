/**
 * Templates with review on both databases: an operator writes a template, it is pending and
 * unusable (console and interface) until a reviewer approves it; an edit sends it back to review;
 * the author cannot approve their own; an operator cannot approve, a reviewer cannot write. Every
 * change is in the audit log. Each template is a 验证码 (`otp`) or 通知 (`notice`) text, a notice
 * unless said, listed and filtered by kind (docs/console.md "Templates"). The calls go through
 * `inject()` and answer exactly the fields of contract/templates.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { templatesAnswer, type TemplateView } from '../../src/console/contract/templates.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { DIALECTS } from '../helpers/databases.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: templates pending → approved → usable, edits go back to review, roles apart`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const { platform } = rig;
    const consoleApp = platform.consoleApp;
    assert.ok(consoleApp);
    const operator = await consoleLogin(consoleApp, await addConsoleUser(platform, 'op.wang', ['operator']));
    const reviewer = await consoleLogin(consoleApp, await addConsoleUser(platform, 'rv.zhao', ['reviewer']));
    const both = await consoleLogin(
      consoleApp,
      await addConsoleUser(platform, 'op.rv.sun', ['operator', 'reviewer']),
    );
    const db = platform.handle.db;

    const listed = await operator.get<{
      templates: TemplateView[];
      apps: { id: number; name: string; signature: string }[];
    }>('templates');
    assert.equal(listed.status, 200);
    const hrss = listed.json.apps.find((a) => a.name === 'hrss');
    assert.ok(hrss);
    assert.equal(hrss.signature, '【人社局】');
    assert.ok(!listed.json.apps.some((a) => a.id === 0), 'not the service account');

    // A reviewer does not write templates; a signature in the text is refused.
    assert.equal((await reviewer.post('templates', { appId: hrss.id, name: 'x', content: 'y' })).status, 403);
    const signed = await operator.post('templates', { appId: hrss.id, name: 'x', content: '【别的】内容' });
    assert.equal(signed.status, 400);

    const created = await operator.post<{ template: TemplateView }>('templates', {
      appId: hrss.id,
      name: '待遇发放',
      content: '{name}您好，您的{item}已于${date}发放。',
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const id = created.json.template.id;
    assert.equal(created.json.template.status, 'pending');
    assert.equal(created.json.template.kind, 'notice', 'a notice unless said');

    const pending = await reviewer.get<{ templates: TemplateView[] }>('templates?status=pending');
    const row = pending.json.templates.find((x) => x.id === id);
    assert.ok(row);
    assert.deepEqual(row.variables, ['name', 'item', 'date']);
    assert.equal(row.createdBy, 'op.wang');
    assert.equal(row.appName, 'hrss');
    assert.deepEqual(templatesAnswer.parse(pending.json), pending.json, 'the contract, nothing more');

    // Pending: neither the console nor the interface may use it.
    const early = await operator.post('send/preview', {
      appId: hrss.id,
      mobiles: '13800138000',
      templateId: id,
    });
    assert.equal(early.json.code, 'TEMPLATE_NOT_APPROVED');
    const viaInterface = await rig.post('/api/sms/send', {
      appName: rig.appName,
      password: rig.password,
      mobiles: '13800138000',
      templateId: String(id),
      params: { name: '张三', item: '养老金', date: '12月1日' },
    });
    assert.equal(viaInterface.json.code, 2, 'code 2: unknown or unapproved template');

    // An operator cannot approve; nobody approves their own text.
    assert.equal((await operator.post(`templates/${id}/approve`, {})).status, 403);
    const own = await both.post<{ template: TemplateView }>('templates', {
      appId: null,
      name: '登录验证码',
      kind: 'otp',
      content: '您的验证码为{code}，5分钟内有效。',
    });
    assert.equal(own.json.template.kind, 'otp');
    assert.equal(
      (await both.post('templates', { appId: null, name: 'x', kind: 'ad', content: 'y' })).status,
      400,
    );
    const codes = await reviewer.get<{ templates: TemplateView[] }>('templates?kind=otp');
    assert.deepEqual(
      codes.json.templates.map((x) => [x.id, x.kind]),
      [[own.json.template.id, 'otp']],
    );
    const notices = await reviewer.get<{ templates: TemplateView[] }>('templates?kind=notice&status=pending');
    assert.deepEqual(
      notices.json.templates.map((x) => x.id),
      [id],
    );
    assert.equal((await reviewer.get('templates?kind=ad')).status, 400);
    const self = await both.post(`templates/${own.json.template.id}/approve`, {});
    assert.equal(self.status, 403);
    assert.equal(self.json.code, 'TEMPLATE_SELF_REVIEW');

    // A rejection needs a note.
    assert.equal((await reviewer.post(`templates/${own.json.template.id}/reject`, {})).status, 400);
    const rejected = await reviewer.post<{ template: TemplateView }>(
      `templates/${own.json.template.id}/reject`,
      {
        note: '内容过于笼统',
      },
    );
    assert.equal(rejected.json.template.status, 'rejected');

    const approved = await reviewer.post<{ template: TemplateView }>(`templates/${id}/approve`, {
      note: '同意',
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    assert.equal(approved.json.template.status, 'approved');
    assert.equal((await reviewer.post(`templates/${id}/approve`, {})).json.code, 'TEMPLATE_NOT_PENDING');

    const ok = await rig.post('/api/sms/send', {
      appName: rig.appName,
      password: rig.password,
      mobiles: '13800138000',
      templateId: String(id),
      params: { name: '张三', item: '养老金', date: '12月1日' },
    });
    assert.equal(ok.json.code, 1, JSON.stringify(ok.json));
    await eventually(() => (rig.sim.inbox('13800138000').length > 0 ? true : undefined));
    assert.equal(rig.sim.inbox('13800138000')[0]?.text, '【人社局】张三您好，您的养老金已于12月1日发放。');
    const usable = await operator.get<{ templates: { id: number }[] }>(`send/templates?appId=${hrss.id}`);
    assert.ok(usable.json.templates.some((x) => x.id === id));

    // An edit goes back to review and out of use.
    const edited = await operator.put<{ template: TemplateView }>(`templates/${id}`, {
      appId: hrss.id,
      name: '待遇发放',
      kind: 'otp',
      content: '{name}您好，您的{item}已发放。',
    });
    assert.equal(edited.json.template.status, 'pending');
    assert.equal(edited.json.template.kind, 'otp', 'the kind is edited with the text');
    const after = await operator.get<{ templates: { id: number }[] }>(`send/templates?appId=${hrss.id}`);
    assert.ok(!after.json.templates.some((x) => x.id === id));

    assert.equal((await reviewer.delete(`templates/${id}`)).status, 403);
    assert.equal((await operator.delete(`templates/${id}`)).status, 200);
    assert.equal((await operator.delete(`templates/${id}`)).status, 404);

    const actions = (await searchAudit(db, { actionContains: 'template.' }, 0, 50))
      .map((e) => `${e.kind}:${e.action}:${e.result}`)
      .reverse();
    assert.deepEqual(actions, [
      'data:template.create:ok',
      'data:template.create:ok',
      'operation:template.reject:ok',
      'operation:template.approve:ok',
      'operation:template.approve:failed',
      'data:template.update:ok',
      'data:template.delete:ok',
    ]);
    const [update] = await searchAudit(db, { actionContains: 'template.update' }, 0, 1);
    assert.match(update?.detail ?? '', /"kind":"notice".*"kind":"otp"/, 'the kind before and after');
  });
}
