/**
 * Separation of duties on filter rules and lists (docs/security.md §7) on SQLite and PostgreSQL:
 * an operator changes no sensitive word and no list, but proposes; nothing proposed takes effect
 * until a security administrator other than the proposer approves it; a rejection changes nothing;
 * a proposal is decided once; numbers stay masked in answers and the audit log; everything is audited.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProposalsAnswer } from '../../src/console/contract/proposals.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

interface Listed {
  entries: { key: string; mobile: string }[];
}

for (const dialect of DIALECTS) {
  test(`${dialect}: an operator proposes word and list changes; the security administrator decides`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const url = rig.platform.consoleUrl ?? '';
    const user = (name: string, roles: Parameters<typeof addConsoleUser>[2], totp = false) =>
      addConsoleUser(rig.platform, name, roles, { totp }).then((u) => consoleLogin(url, u));
    const op = await user('p.op', ['operator']);
    const other = await user('p.op2', ['operator']);
    const sec = await user('p.sec', ['security-admin'], true);
    const rev = await user('p.rev', ['reviewer']);
    const send = async (mobiles: string, content: string) =>
      (await rig.post('/api/sms/send', { appName: rig.appName, password: rig.password, mobiles, content }))
        .json as unknown as { code: number; msgIds?: { status: string }[] };
    const verdict = async (text: string) =>
      (await op.post<{ verdict: string }>('words/test', { text })).json.verdict;
    const pending = (client = sec) => client.get<ProposalsAnswer>('proposals?status=pending');

    // No direct change by an operator, no proposal by a reviewer.
    assert.equal((await op.post('words', { words: '赌博', action: 'block' })).status, 403);
    assert.equal((await op.post('lists/BLACKLIST', { numbers: '13800000003' })).status, 403);
    assert.equal(
      (await rev.post('proposals', { kind: 'word.add', words: '赌博', action: 'block' })).status,
      403,
    );
    const missing = await op.post('proposals', { kind: 'word.add', words: '赌博' });
    assert.deepEqual([missing.status, missing.json.code, missing.json.field], [400, 'INVALID', 'action']);

    // Words: proposed, not in force, then approved and in force.
    const proposed = await op.post<{ id: number; count: number }>('proposals', {
      kind: 'word.add',
      words: '赌博\n代开发票',
      action: 'block',
      note: '新型诈骗',
    });
    assert.equal(proposed.status, 200, JSON.stringify(proposed.json));
    assert.equal(proposed.json.count, 2);
    assert.equal(await verdict('网上赌博'), 'pass', 'a proposal changes nothing');
    assert.equal((await op.get<ProposalsAnswer>('proposals')).json.pending, 1, 'the proposer sees their own');
    assert.equal((await other.get<ProposalsAnswer>('proposals')).json.proposals.length, 0, 'not others’');
    const [seen] = (await pending()).json.proposals;
    assert.deepEqual(
      [seen?.kind, seen?.words, seen?.action, seen?.note, seen?.proposedBy, seen?.loosens],
      ['word.add', ['赌博', '代开发票'], 'block', '新型诈骗', 'p.op', false],
    );
    assert.equal((await op.post(`proposals/${proposed.json.id}/approve`, {})).status, 403);
    assert.equal((await sec.post(`proposals/${proposed.json.id}/approve`, {})).status, 200);
    assert.equal(await verdict('网上赌博'), 'block');
    assert.equal((await send('13800138006', '请勿参与网上赌博活动')).code, 13);
    const again = await sec.post(`proposals/${proposed.json.id}/reject`, {});
    assert.deepEqual([again.status, again.json.code], [409, 'PROPOSAL_DECIDED']);

    // Removal proposed and rejected: the word stays.
    const words = await op.get<{ words: { id: number; word: string }[] }>('words');
    const gamble = words.json.words.find((w) => w.word === '赌博');
    assert.ok(gamble);
    const removal = await op.post<{ id: number }>('proposals', { kind: 'word.remove', wordId: gamble.id });
    assert.equal((await pending()).json.proposals[0]?.loosens, true, 'a removal is marked as loosening');
    assert.equal((await sec.post(`proposals/${removal.json.id}/reject`, { note: '仍需拦截' })).status, 200);
    assert.equal(await verdict('网上赌博'), 'block');
    const decided = (await op.get<ProposalsAnswer>('proposals?status=rejected')).json.proposals[0];
    assert.deepEqual([decided?.decidedBy, decided?.decisionNote], ['p.sec', '仍需拦截']);

    // A change whose word is gone meanwhile ends rejected, saying why.
    const update = await op.post<{ id: number }>('proposals', {
      kind: 'word.update',
      wordId: gamble.id,
      action: 'review',
    });
    assert.equal((await sec.delete(`words/${gamble.id}`)).status, 200);
    assert.equal((await sec.post(`proposals/${update.json.id}/approve`, {})).json.code, 'WORD_NOT_FOUND');
    const stale = (await sec.get<ProposalsAnswer>('proposals?status=rejected')).json.proposals;
    assert.equal(stale.find((p) => p.id === update.json.id)?.decisionNote, '敏感词已不存在');

    // Lists: a black-list addition and a removal, each approved; numbers masked throughout.
    const black = await op.post<{ id: number; count: number; invalid: string[] }>('proposals', {
      kind: 'list.add',
      list: 'BLACKLIST',
      numbers: '13800000003，+8613800000004 abc',
      note: '投诉骚扰',
    });
    assert.deepEqual([black.json.count, black.json.invalid], [2, ['abc']]);
    assert.equal((await send('13800000003', '停水通知')).msgIds?.[0]?.status, 'QUEUED');
    const shown = await pending();
    assert.deepEqual(shown.json.proposals[0]?.mobiles, ['138****0003', '138****0004']);
    assert.doesNotMatch(JSON.stringify(shown.json), /13800000003/);
    assert.equal((await sec.post(`proposals/${black.json.id}/approve`, {})).status, 200);
    assert.equal((await send('13800000003', '停水通知')).msgIds?.[0]?.status, 'BLOCKED');
    const listed = await op.get<Listed>('lists?kind=BLACKLIST&mobile=13800000003');
    const unlist = await op.post<{ id: number }>('proposals', {
      kind: 'list.remove',
      list: 'BLACKLIST',
      key: listed.json.entries[0]?.key,
    });
    assert.equal((await sec.post(`proposals/${unlist.json.id}/approve`, {})).status, 200);
    // (Another text: the identical-content limit would stop the first one again.)
    assert.equal((await send('13800000003', '停电通知')).msgIds?.[0]?.status, 'QUEUED');

    // Two administrators deciding at once: one wins. Nobody decides their own, even holding both roles.
    const both = await user('p.both', ['security-admin', 'operator'], true);
    const white = await op.post<{ id: number }>('proposals', {
      kind: 'list.add',
      list: 'WHITELIST',
      numbers: '13900000002',
    });
    const race = await Promise.all([
      sec.post(`proposals/${white.json.id}/approve`, {}),
      both.post(`proposals/${white.json.id}/reject`, {}),
    ]);
    assert.deepEqual(race.map((r) => r.status).sort(), [200, 409]);
    const own = await both.post<{ id: number }>('proposals', {
      kind: 'list.add',
      list: 'WHITELIST',
      numbers: '13900000001',
    });
    const refused = await both.post(`proposals/${own.json.id}/approve`, {});
    assert.deepEqual([refused.status, refused.json.code], [403, 'PROPOSAL_OWN']);

    const audit = await searchAudit(rig.platform.handle.db, {}, 0, 500);
    const actions = audit.map((e) => `${e.kind}:${e.action}:${e.result}`);
    for (const a of [
      'data:proposal.add:ok',
      'data:proposal.approve:ok',
      'data:proposal.approve:failed',
      'operation:proposal.reject:ok',
      'operation:proposal.approve:denied',
    ])
      assert.ok(actions.includes(a), a);
    assert.doesNotMatch(JSON.stringify(audit), /1380000000[34]|1390000000[12]/, 'no whole number audited');
  });
}
