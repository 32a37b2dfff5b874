/**
 * The in-memory sensitive-word list (pipeline/sensitive-words.ts) on SQLite and PostgreSQL: a word
 * another process adds is seen once the refresh interval passed, at once after `invalidate()`;
 * admission refuses a block word (nothing written) and holds a review word; a retry of a request
 * accepted before a block word was added is replayed, not refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from '../../src/pipeline/admission.js';
import { SensitiveWordList } from '../../src/pipeline/sensitive-words.js';
import { IdAllocator } from '../../src/store/ids.js';
import { addSensitiveWord, removeSensitiveWord } from '../../src/store/sensitive-words.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: the word list reloads after a change, and admission applies it`, async () => {
    const store = await openTestStore(dialect);
    const ids = new IdAllocator(store.db);
    let now = 1_000_000;
    const words = new SensitiveWordList(store, { refreshMs: 2000, now: () => now });
    const admission = new Admission(store, ids, { now: () => now, words });
    try {
      const app = await createTestApp(store.db, 'a', { balance: 100 });
      assert.deepEqual(await words.verdict('代开发票'), { block: [], review: [] });

      // Another process adds a word: seen once the refresh interval has passed.
      const added = await addSensitiveWord(
        store.db,
        ids,
        { word: '代开发票', action: 'block', note: null, by: 'x' },
        now,
      );
      assert.ok(added.kind === 'added');
      assert.deepEqual((await words.verdict('代开发票')).block, []);
      now += 2000;
      // The reload runs beside the requests that started it; they keep the last list meanwhile.
      const seen = await eventually(async () => {
        const v = await words.verdict('可 代开-发票');
        return v.block.length > 0 ? v.block : undefined;
      });
      assert.deepEqual(seen, ['代开发票']);

      await addSensitiveWord(store.db, ids, { word: '高息', action: 'review', note: null, by: 'x' }, now);
      words.invalidate();
      assert.deepEqual((await words.verdict('高息理财')).review, ['高息']);

      const send = (content: string) =>
        admission.admit({
          appId: app.id,
          clientMsgId: null,
          signature: '【人社局】',
          content,
          srcExt: '',
          islong: false,
          category: 'notice',
          sendAt: null,
          recipients: [{ mobile: '13800138000', carrier: 'cmcc', segments: 1 }],
        });
      assert.deepEqual(await send('可代开发票'), { kind: 'refused', words: ['代开发票'] });
      assert.equal((await store.db.selectFrom('batches').selectAll().execute()).length, 0);
      const held = await send('高息理财');
      assert.equal(held.kind, 'accepted');
      assert.deepEqual(
        held.answer.msgIds.map((m) => m.status),
        ['HELD'],
      );

      await removeSensitiveWord(store.db, added.id);
      words.invalidate();
      const plain = await send('可代开发票');
      assert.equal(plain.kind, 'accepted');
      assert.deepEqual(
        plain.answer.msgIds.map((m) => m.status),
        ['QUEUED'],
      );

      // A retry of an accepted request keeps its answer even when a word added since would refuse it.
      const keyed = (clientMsgId: string) =>
        admission.admit({
          appId: app.id,
          clientMsgId,
          signature: '【人社局】',
          content: '职业技能培训通知',
          srcExt: '',
          islong: false,
          category: 'notice',
          sendAt: null,
          recipients: [{ mobile: '13900139000', carrier: 'cmcc', segments: 1 }],
        });
      const first = await keyed('k-1');
      assert.ok(first.kind === 'accepted');
      await addSensitiveWord(store.db, ids, { word: '技能培训', action: 'block', note: null, by: 'x' }, now);
      words.invalidate();
      const retry = await keyed('k-1');
      assert.ok(retry.kind === 'replayed', retry.kind);
      assert.equal(retry.answer.batchId, first.answer.batchId);
      const batches = (await store.db.selectFrom('batches').selectAll().execute()).length;
      assert.deepEqual(await keyed('k-2'), { kind: 'refused', words: ['技能培训'] });
      assert.equal((await store.db.selectFrom('batches').selectAll().execute()).length, batches);
    } finally {
      await admission.close();
      await store.drop();
    }
  });
}
