/** The sensitive-word matcher (domain/sensitive-words.ts): normalisation, every hit in one pass, properties. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileWords, normaliseWord, type WordEntry } from '../../src/domain/sensitive-words.js';

test('normalisation: full-width to half-width, case, spaces and punctuation between characters', () => {
  assert.equal(normaliseWord('ＡＢＣ１２３'), 'abc123');
  assert.equal(normaliseWord('赌 博'), '赌博');
  assert.equal(normaliseWord('赌-·_博！'), '赌博');
  assert.equal(normaliseWord('代\u200b开　发票'), '代开发票');
  assert.equal(normaliseWord(' ，。 '), '');
});

test('finds every listed word with its place in the original text; block wins over review', () => {
  const m = compileWords([
    { word: '赌博', action: 'block' },
    { word: '博彩', action: 'review' },
    { word: 'VIP', action: 'review' },
    { word: 'he', action: 'review' },
    { word: 'she', action: 'block' },
    { word: 'hers', action: 'review' },
  ]);
  const text = '快来 赌-博彩票，ｖｉｐ！ushers';
  const hits = m.find(text).map((h) => [h.word, text.slice(h.start, h.end)]);
  assert.deepEqual(hits, [
    ['赌博', '赌-博'],
    ['博彩', '博彩'],
    ['VIP', 'ｖｉｐ'],
    ['she', 'she'],
    ['he', 'he'],
    ['hers', 'hers'],
  ]);
  assert.deepEqual(m.verdict(text), { block: ['赌博', 'she'], review: ['博彩', 'VIP', 'he', 'hers'] });
  assert.deepEqual(m.verdict('养老金调整通知'), { block: [], review: [] });
  assert.equal(
    compileWords([{ word: '！！', action: 'block' }]).size,
    0,
    'a word of punctuation only is left out',
  );
});

const alphabet = fc.constantFrom('赌', '博', '彩', 'a', 'b', 'A', 'Ｂ', '1');
const word = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
const entries = fc.array(fc.record({ word, action: fc.constantFrom('block' as const, 'review' as const) }), {
  minLength: 1,
  maxLength: 8,
});
const noise = fc
  .array(fc.constantFrom(' ', '-', '，', '*', '　', '\u200b'), { maxLength: 2 })
  .map((cs) => cs.join(''));

/** The words found by looking at every position of the normalised text: the obvious, slow way. */
function naive(list: readonly WordEntry[], text: string): Set<string> {
  const norm = normaliseWord(text);
  return new Set(
    list
      .filter((e) => normaliseWord(e.word) !== '' && norm.includes(normaliseWord(e.word)))
      .map((e) => e.word),
  );
}

test('property: the automaton finds exactly the words a naive search finds', () => {
  fc.assert(
    fc.property(entries, fc.array(alphabet, { maxLength: 30 }), (list, chars) => {
      const text = chars.join('');
      const found = new Set(
        compileWords(list)
          .find(text)
          .map((h) => h.word),
      );
      assert.deepEqual(found, naive(list, text));
    }),
  );
});

test('property: spaces and punctuation slipped between characters change nothing', () => {
  fc.assert(
    fc.property(entries, fc.array(fc.tuple(alphabet, noise), { maxLength: 20 }), (list, pairs) => {
      const m = compileWords(list);
      const plain = pairs.map(([c]) => c).join('');
      const noisy = pairs.map(([c, n]) => c + n).join('');
      assert.deepEqual(new Set(m.find(noisy).map((h) => h.word)), new Set(m.find(plain).map((h) => h.word)));
    }),
  );
});

test('property: every hit spans text that normalises to its word', () => {
  fc.assert(
    fc.property(entries, fc.array(fc.tuple(alphabet, noise), { maxLength: 20 }), (list, pairs) => {
      const text = pairs.map(([c, n]) => c + n).join('');
      for (const h of compileWords(list).find(text))
        assert.equal(normaliseWord(text.slice(h.start, h.end)), normaliseWord(h.word));
    }),
  );
});
