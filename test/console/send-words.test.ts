/**
 * A console send whose per-row texts hit a review word in some rows only (docs/design.md §5): the
 * whole send waits under one sensitive-words review naming the word — not one review per distinct
 * text — and goes once a reviewer other than the sender approves it. SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSensitiveWord } from '../../src/store/sensitive-words.js';
import { DIALECTS } from '../helpers/databases.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: one review holds a per-row send that hits a review word in one row`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const { platform } = rig;
    await addSensitiveWord(
      platform.handle.db,
      platform.ids,
      { word: '高息', action: 'review', note: null, by: 'security' },
      Date.now(),
    );
    platform.sensitiveWords.invalidate();
    const consoleUrl = platform.consoleUrl ?? '';
    const operator = await consoleLogin(consoleUrl, await addConsoleUser(platform, 'op', ['operator']));
    const reviewer = await consoleLogin(consoleUrl, await addConsoleUser(platform, 'rev', ['reviewer']));
    const apps = await operator.get<{ apps: { id: number }[] }>('send/apps');
    const appId = apps.json.apps[0]?.id ?? 0;
    const csv = 'mobile,product\n13800138021,国债\n13800138022,高息理财\n13800138023,定期存款\n';

    const sent = await eventually(
      async () => {
        const res = await operator.post<{
          held: number;
          review: { required: boolean; kind: string | null; reviewId: number | null };
        }>('send', {
          appId,
          file: { name: '产品提醒.csv', data: Buffer.from(csv, 'utf8').toString('base64') },
          content: '您关注的{product}产品信息已更新，详询12333。',
          idempotencyKey: 'words-per-row-01',
        });
        // The word list reloads within seconds; until then the send is not held.
        return res.json.review.required ? res : undefined;
      },
      10_000,
      'the review word to be seen',
    );
    assert.equal(sent.status, 200);
    assert.equal(sent.json.held, 3, 'every row waits, not only the one with the word');
    assert.equal(sent.json.review.kind, 'sensitive-words', 'the page says why it waits');
    const reviews = await platform.handle.db.selectFrom('reviews').selectAll().execute();
    assert.equal(reviews.length, 1, 'one review for the whole send');
    const [review] = reviews;
    assert.ok(review);
    assert.equal(review.kind, 'sensitive-words');
    assert.deepEqual((JSON.parse(review.summary) as { words: string[] }).words, ['高息']);

    const approved = await reviewer.post(`reviews/${sent.json.review.reviewId ?? 0}/approve`, {
      note: '核实为正常产品',
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    await eventually(
      () => {
        const inbox = ['13800138021', '13800138022', '13800138023'].map((m) => rig.sim.inbox(m).length);
        return inbox.every((n) => n === 1) ? inbox : undefined;
      },
      20_000,
      'the three messages delivered',
    );
  });
}
