/**
 * Gateways and reply texts in the console on SQLite and PostgreSQL: the gateways API
 * shows the simulator link bound with its configuration and no credentials; an edited reply text
 * is what a citizen receives next, a reset brings the built-in back; an unknown variable or a text
 * too long for one SMS is refused; the audit log has reply.edit / reply.reset; an operator gets 403.
 * Through `inject()`; the answers are exactly their contracts (contract/gateways.ts, contract/replies.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPLY_DEFAULTS } from '../../src/citizen/replies.js';
import { gatewaysAnswer, type GatewaysAnswer } from '../../src/console/contract/gateways.js';
import {
  repliesAnswer,
  replyPreview,
  type RepliesAnswer,
  type ReplyPreview,
} from '../../src/console/contract/replies.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { startCitizenRig } from '../helpers/citizen.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: gateways show the live link; an edited reply is what the citizen gets`, async (t) => {
    const rig = await startCitizenRig(dialect, [], { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const consoleApp = rig.platform.consoleApp;
    assert.ok(consoleApp);
    const admin = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'sys.admin', ['system-admin'], { totp: true }),
    );
    const operator = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'op', ['operator']));

    const link = await eventually(async () => {
      const res = await admin.get<GatewaysAnswer>('gateways');
      assert.deepEqual(gatewaysAnswer.parse(res.json), res.json, 'the contract, nothing more');
      const g = res.json.gateways[0];
      return g?.live?.state === 'bound' && g.live.bound === 2 ? g : undefined;
    });
    assert.equal(link.id, 'cmcc-1');
    assert.equal(link.protocol, 'cmpp3');
    assert.equal(link.connections, 2);
    assert.equal(link.window, 16);
    const raw = JSON.stringify((await admin.get('gateways')).json);
    assert.doesNotMatch(raw, /sim-secret|901234/, 'no gateway credentials');
    assert.equal((await operator.get('gateways')).status, 403);

    const list = await admin.get<RepliesAnswer>('replies');
    assert.deepEqual(repliesAnswer.parse(list.json), list.json);
    const notBound = list.json.replies.find((r) => r.key === 'notBound');
    assert.ok(notBound);
    assert.equal(notBound.content, REPLY_DEFAULTS.notBound);
    assert.ok(notBound.purpose.zh.length > 0 && notBound.purpose.en.length > 0);
    const ssnInvalid = list.json.replies.find((r) => r.key === 'ssnInvalid');
    assert.ok(ssnInvalid);
    assert.deepEqual(ssnInvalid.variables, ['ssn', 'reason']);
    assert.doesNotMatch(ssnInvalid.preview.text, /\{ssn\}/, 'the preview fills variables');

    const badVariable = await admin.put<{ code: string; message: string }>('replies/ssnInvalid', {
      content: '号码{ssn}有误：{mobile}',
    });
    assert.equal(badVariable.status, 400);
    assert.equal(badVariable.json.code, 'REPLY_INVALID');
    assert.match(badVariable.json.message, /\{mobile\}/);
    const tooLong = await admin.put<{ code: string }>('replies/notBound', {
      content: '请先绑定。'.repeat(20),
    });
    assert.equal(tooLong.json.code, 'REPLY_INVALID');
    const preview = await admin.post<ReplyPreview>('replies/preview', {
      key: 'notBound',
      content: '请先绑定。'.repeat(20),
    });
    assert.deepEqual(replyPreview.parse(preview.json), preview.json);
    assert.ok(preview.json.problem !== null && preview.json.segments > 1);
    assert.equal((await operator.put('replies/notBound', { content: '请先绑定' })).status, 403);

    const edited = '本机未绑定社保号，请发送BD#社保号#服务密码办理绑定。';
    assert.equal((await admin.put('replies/notBound', { content: edited })).status, 200);
    assert.equal(await rig.ask('13900000001', 'CBXX#'), edited);
    assert.equal((await admin.delete('replies/notBound')).status, 200);
    assert.equal(await rig.ask('13900000001', 'CBXX#'), REPLY_DEFAULTS.notBound);

    const audit = await searchAudit(rig.platform.handle.db, {}, 0, 200);
    const actions = audit.filter((e) => e.target === 'notBound').map((e) => `${e.action}:${e.result}`);
    assert.ok(actions.includes('reply.edit:ok') && actions.includes('reply.reset:ok'), actions.join(', '));
  });
}
