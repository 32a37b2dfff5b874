/**
 * Sensitive words and reviews through the console and the interface (docs/design.md §5) on SQLite
 * and PostgreSQL: a block word answers code 13 and charges nothing; a review word holds the batch
 * HELD until another reviewer approves it and it is delivered; a rejected one is REJECTED (stat
 * REVIEW), refunded and reported; the sender cannot decide their own review; roles without the
 * permission get 403; changes are audited. The console calls go through `inject()` and answer
 * exactly their contracts (contract/reviews.ts, contract/words.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  reviewDetailAnswer,
  reviewsAnswer,
  type ReviewDetailAnswer,
  type ReviewsAnswer as ReviewList,
} from '../../src/console/contract/reviews.js';
import {
  wordsAnswer,
  wordTestAnswer,
  type WordsAnswer,
  type WordTestAnswer,
} from '../../src/console/contract/words.js';
import { getBalance } from '../../src/store/apps.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { createReview } from '../../src/store/reviews.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

interface SendAnswer {
  code: number;
  msg: string;
  words?: string[];
  charged?: number;
  heldForReview?: boolean;
  msgIds?: { mobile: string; msgId: string; status: string }[];
}
interface Report {
  msgId: string;
  status: string;
  stat: string | null;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: block words answer code 13; review words hold the batch for another reviewer`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const db = rig.platform.handle.db;
    const consoleApp = rig.platform.consoleApp;
    assert.ok(consoleApp);
    const { id: appId } = await db
      .selectFrom('apps')
      .select('id')
      .where('name', '=', rig.appName)
      .executeTakeFirstOrThrow();
    const op = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'word.op', ['operator']));
    const rev = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'rev.a', ['reviewer']));
    const opRev = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'op.rev', ['operator', 'reviewer']),
    );
    const send = async (mobiles: string, content: string) =>
      (await rig.post('/api/sms/send', { appName: rig.appName, password: rig.password, mobiles, content }))
        .json as unknown as SendAnswer;
    const reports = async () => {
      const out = await rig.post('/api/sms/reports', { appName: rig.appName, password: rig.password });
      return (out.json as unknown as { reports: Report[] }).reports;
    };

    // Words: added by the security administrator (list.manage); an operator proposes
    // (test/console/proposals.test.ts), a reviewer does neither.
    const sec = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'word.sec', ['security-admin'], { totp: true }),
    );
    assert.equal((await rev.post('words', { words: '赌博', action: 'block' })).status, 403);
    assert.equal((await op.post('words', { words: '赌博', action: 'block' })).status, 403);
    const added = await sec.post<{ added: string[] }>('words', { words: '赌博\n代开发票', action: 'block' });
    assert.deepEqual(added.json.added, ['赌博', '代开发票']);
    assert.equal(
      (await sec.post('words', { words: '高息理财', action: 'review', note: '金融' })).status,
      200,
    );
    assert.equal((await sec.post('words', { words: '赌 博', action: 'review' })).json.code, 'WORD_EXISTS');
    const tried = await op.post<WordTestAnswer>('words/test', { text: '网上 赌－博 违法' });
    assert.deepEqual(wordTestAnswer.parse(tried.json), tried.json, 'the contract, nothing more');
    assert.deepEqual([tried.json.verdict, tried.json.block], ['block', ['赌博']]);

    // Block: code 13 naming the word, nothing queued or charged.
    const balance = await getBalance(db, appId);
    const blocked = await send('13800138001', '请勿参与ＸＸ网上赌 博活动');
    assert.equal(blocked.code, 13);
    assert.match(blocked.msg, /^短信内容含敏感词：赌博/);
    assert.deepEqual(blocked.words, ['赌博']);
    assert.equal(await getBalance(db, appId), balance);
    const count = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    assert.equal(Number(count?.n), 0);

    // Review: accepted HELD, charged, held until a reviewer approves.
    const held = await send('13800138002,13800138003', '推荐高息理财产品');
    assert.equal(held.code, 1);
    assert.equal(held.heldForReview, true);
    assert.deepEqual(
      held.msgIds?.map((m) => m.status),
      ['HELD', 'HELD'],
    );
    assert.equal(await getBalance(db, appId), balance - 2);
    assert.equal((await op.get('reviews')).status, 403, 'operators do not review');
    const pending = await rev.get<ReviewList>('reviews');
    assert.deepEqual(reviewsAnswer.parse(pending.json), pending.json, 'the contract, nothing more');
    assert.equal(pending.json.counts.pending, 1);
    const [item] = pending.json.items;
    assert.ok(item);
    assert.deepEqual(
      [item.kind, item.status, item.appName, item.requestedBy, item.messageCount, item.words],
      ['sensitive-words', 'pending', rig.appName, null, 2, ['高息理财']],
    );
    assert.equal(item.sampleText?.slice(item.hits[0]?.start, item.hits[0]?.end), '高息理财');
    const detail = await rev.get<ReviewDetailAnswer>(`reviews/${item.id}`);
    assert.deepEqual(reviewDetailAnswer.parse(detail.json), detail.json);
    assert.deepEqual(
      detail.json.review.recipients.map((r) => r.mobile),
      ['138****8002', '138****8003'],
    );
    assert.doesNotMatch(JSON.stringify(detail.json), /13800138002/);

    const approved = await rev.post(`reviews/${item.id}/approve`, { note: '内容已核实' });
    assert.equal(approved.status, 200);
    assert.equal(
      (await opRev.post(`reviews/${item.id}/reject`, { note: '晚了' })).json.code,
      'REVIEW_NOT_PENDING',
    );
    const ids = new Set(held.msgIds.map((m) => m.msgId));
    await eventually(
      async () => {
        const done = (await reports()).filter((r) => ids.has(r.msgId) && r.status === 'DELIVERED');
        return done.length === 2 ? true : undefined;
      },
      20_000,
      'the approved messages delivered',
    );

    // Four eyes: the sender of a console batch cannot decide its review; another reviewer rejects it.
    const own = await send('13800138004', '普通通知');
    assert.equal(own.code, 1);
    const reviewId = await createReview(
      db,
      rig.platform.ids,
      { kind: 'batch-size', appId, requestedBy: 'op.rev', summary: { recipients: 1 } },
      Date.now(),
    );
    const own2 = await rig.platform.admission.admit({
      appId,
      clientMsgId: null,
      signature: '【人社】',
      content: '批量通知',
      srcExt: '',
      islong: false,
      category: 'notice',
      sendAt: null,
      recipients: [{ mobile: '13800138005', carrier: 'cmcc', segments: 1 }],
      reviewId,
      requestedBy: 'op.rev',
    });
    assert.equal(own2.kind, 'accepted');
    const self = await opRev.post(`reviews/${reviewId}/approve`, {});
    assert.deepEqual([self.status, self.json.code], [403, 'REVIEW_SELF']);
    assert.equal((await rev.post(`reviews/${reviewId}/reject`, {})).status, 400, 'a rejection needs a note');
    const before = await getBalance(db, appId);
    assert.equal((await rev.post(`reviews/${reviewId}/reject`, { note: '未经批准' })).status, 200);
    assert.equal(await getBalance(db, appId), before + 1);
    const msgId = own2.answer.msgIds[0]?.msgId;
    const rejected = await eventually(
      async () => (await reports()).find((x) => x.msgId === msgId),
      10_000,
      'the rejection reported',
    );
    assert.deepEqual([rejected.status, rejected.stat], ['REJECTED', 'REVIEW']);
    const decided = await rev.get<ReviewList>('reviews?status=decided');
    assert.deepEqual(
      decided.json.items.map((r) => r.status),
      ['rejected', 'approved'],
    );

    // Audited: decisions as operations (the denied one too), word changes as data.
    const audit = await searchAudit(db, {}, 0, 500);
    const actions = audit.map((e) => `${e.kind}:${e.action}:${e.result}`);
    for (const a of [
      'data:word.add:ok',
      'operation:review.approve:ok',
      'operation:review.approve:denied',
      'operation:review.reject:ok',
    ])
      assert.ok(actions.includes(a), a);

    // Removing the block word lets the text through again; only the security administrator may.
    const words = await op.get<WordsAnswer>('words');
    assert.deepEqual(wordsAnswer.parse(words.json), words.json);
    const gamble = words.json.words.find((w) => w.word === '赌博');
    assert.ok(gamble);
    assert.equal((await op.delete(`words/${gamble.id}`)).status, 403, 'an operator proposes, not removes');
    assert.equal((await op.put(`words/${gamble.id}`, { action: 'review' })).status, 403);
    assert.equal((await send('13800138006', '请勿参与网上赌博活动')).code, 13);
    assert.equal((await sec.delete(`words/${gamble.id}`)).status, 200);
    assert.equal((await send('13800138006', '请勿参与网上赌博活动')).code, 1);
  });
}
