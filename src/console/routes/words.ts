/**
 * The sensitive-word list (docs/design.md §5.7; the standard's §8.2 b filter rules), for `list.manage`: list, add (one word a
 * line), change the action, remove, and try a text against the list. Every change is a `data`
 * audit entry and reaches admission at once in this process (within seconds in others). An operator
 * (`list.propose`) reads the list and proposes changes instead (routes/proposals.ts).
 * Requests and answers: contract/words.ts.
 */
import { numericIdParams, requestSchema, responseSchema } from '../contract/schema.js';
import {
  wordAnswer,
  wordChange,
  wordRemoved,
  wordsAdd,
  wordsAdded,
  wordsAnswer,
  wordTest,
  wordTestAnswer,
  type WordChange,
  type WordsAdd,
  type WordsAdded,
  type WordsAnswer,
  type WordTestAnswer,
} from '../contract/words.js';
import { compileWords, pastedWords } from '../../domain/sensitive-words.js';
import {
  addSensitiveWords,
  listSensitiveWords,
  removeSensitiveWord,
  updateSensitiveWordAction,
} from '../../store/sensitive-words.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const idParams = requestSchema(numericIdParams);
export const MAX_WORDS_AT_ONCE = 500;

export const wordsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('list.manage', 'list.propose');
  // Filter rules are the security administrator's alone (separation of duties): even an added word
  // can stop every notice, so an operator's change is a proposal the administrator decides.
  const manage = ctx.allow('list.manage');
  const changed = () => ctx.services().sensitiveWords.invalidate();

  app.get(
    '/console/api/words',
    { preHandler: guard, schema: { response: responseSchema(wordsAnswer) } },
    async (): Promise<WordsAnswer> => {
      const words = await listSensitiveWords(db);
      return {
        words: words.map((w) => ({ ...w, createdAt: new Date(w.createdAt).toISOString() })),
        counts: {
          block: words.filter((w) => w.action === 'block').length,
          review: words.filter((w) => w.action === 'review').length,
        },
      };
    },
  );

  app.post<{ Body: WordsAdd }>(
    '/console/api/words',
    { preHandler: manage, schema: { body: requestSchema(wordsAdd), response: responseSchema(wordsAdded) } },
    async (request): Promise<WordsAdded> => {
      const { action } = request.body;
      const note = request.body.note?.trim() ?? '';
      const lines = pastedWords(request.body.words);
      if (lines.length === 0 || lines.length > MAX_WORDS_AT_ONCE)
        throw consoleError('INVALID', `一次添加 1–${MAX_WORDS_AT_ONCE} 个敏感词`, { field: 'words' });
      const { username } = ctx.current(request).user;
      const { added, existing, invalid } = await addSensitiveWords(
        db,
        ctx.services().ids,
        { words: lines, action, note: note === '' ? null : note, by: username },
        ctx.now(),
      );
      if (added.length > 0) changed();
      await ctx.audit(request, {
        kind: 'data',
        action: 'word.add',
        target: 'sensitive_words',
        result: added.length > 0 ? 'ok' : 'failed',
        detail: { action, added, existing, invalid },
      });
      if (added.length === 0 && lines.length === 1)
        throw existing.length > 0 ? consoleError('WORD_EXISTS') : consoleError('WORD_INVALID');
      return { added, existing, invalid };
    },
  );

  app.put<{ Params: { id: number }; Body: WordChange }>(
    '/console/api/words/:id',
    {
      preHandler: manage,
      schema: { params: idParams, body: requestSchema(wordChange), response: responseSchema(wordAnswer) },
    },
    async (request) => {
      const word = await updateSensitiveWordAction(db, request.params.id, request.body.action);
      if (!word) throw consoleError('WORD_NOT_FOUND');
      changed();
      await ctx.audit(request, {
        kind: 'data',
        action: 'word.update',
        target: `word:${word.id}`,
        result: 'ok',
        detail: { word: word.word, action: word.action },
      });
      return { word: { ...word, createdAt: new Date(word.createdAt).toISOString() } };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/console/api/words/:id',
    { preHandler: manage, schema: { params: idParams, response: responseSchema(wordRemoved) } },
    async (request) => {
      const word = await removeSensitiveWord(db, request.params.id);
      if (word === null) throw consoleError('WORD_NOT_FOUND');
      changed();
      await ctx.audit(request, {
        kind: 'data',
        action: 'word.remove',
        target: `word:${request.params.id}`,
        result: 'ok',
        detail: { word },
      });
      return { removed: word };
    },
  );

  app.post<{ Body: { text: string } }>(
    '/console/api/words/test',
    {
      preHandler: guard,
      schema: { body: requestSchema(wordTest), response: responseSchema(wordTestAnswer) },
    },
    async (request): Promise<WordTestAnswer> => {
      const matcher = compileWords(await listSensitiveWords(db));
      const hits = matcher.find(request.body.text);
      const verdict = matcher.verdict(request.body.text);
      return {
        hits,
        verdict: verdict.block.length > 0 ? 'block' : verdict.review.length > 0 ? 'review' : 'pass',
        block: verdict.block,
        review: verdict.review,
      };
    },
  );
};
