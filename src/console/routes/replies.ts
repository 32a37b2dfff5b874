/**
 * The texts the platform answers citizens with (src/citizen/replies.ts), for `config.manage`:
 * each key with what it is for, its built-in and current text and its variables; edits pass the
 * same check as everywhere (`checkReplyEdit`: known variables, one SMS with the longest values).
 * ReplyTexts drops its cache on a change, so the engine of this process answers with the new text
 * at once. Requests and answers: contract/replies.ts.
 */
import {
  repliesAnswer,
  replyAnswer,
  replyEdit,
  replyKeyParams,
  replyPreview,
  replyPreviewBody,
  type RepliesAnswer,
  type ReplyEdit,
  type ReplyPreview,
} from '../contract/replies.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import {
  checkReplyEdit,
  isReplyKey,
  LONGEST_VALUES,
  REPLY_DEFAULTS,
  renderReply,
  variablesOf,
  type ReplyKey,
} from '../../citizen/replies.js';
import { REPLY_PURPOSES, REPLY_SAMPLES } from '../../citizen/reply-purposes.js';
import { measureText, TEXT_LIMITS } from '../../domain/text/index.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

export const repliesRoutes: ConsoleRoutes = (app, ctx) => {
  const guard = ctx.allow('config.manage');
  const signature = (): string => ctx.services().config.citizen.signature;
  const keyOf = (key: string): ReplyKey => {
    if (!isReplyKey(key)) throw consoleError('REPLY_NOT_FOUND');
    return key;
  };
  /** The text a citizen would get with sample values, and how long it is with the longest ones. */
  const preview = (key: ReplyKey, content: string): ReplyPreview => {
    const sample = signature() + renderReply(content, REPLY_SAMPLES);
    const longest = measureText(signature() + renderReply(content, LONGEST_VALUES), 'cn');
    return {
      text: sample,
      chars: longest.units,
      limit: TEXT_LIMITS[longest.coding].single,
      segments: longest.segments,
      problem: checkReplyEdit(key, content, signature()),
    };
  };

  app.get(
    '/console/api/replies',
    { preHandler: guard, schema: { response: responseSchema(repliesAnswer) } },
    async (): Promise<RepliesAnswer> => {
      const entries = await ctx.services().citizens.texts.list();
      return {
        signature: signature(),
        samples: REPLY_SAMPLES,
        replies: entries.map((e) => ({
          key: e.key,
          purpose: REPLY_PURPOSES[e.key],
          builtIn: e.builtIn,
          content: e.content,
          variables: variablesOf(REPLY_DEFAULTS[e.key]),
          edited: e.edited && { by: e.edited.by, at: new Date(e.edited.at).toISOString() },
          preview: preview(e.key, e.content),
        })),
      };
    },
  );

  app.post<{ Body: { key: string; content: string } }>(
    '/console/api/replies/preview',
    {
      preHandler: guard,
      config: { quietAudit: true },
      schema: { body: requestSchema(replyPreviewBody), response: responseSchema(replyPreview) },
    },
    (request) => preview(keyOf(request.body.key), request.body.content),
  );

  app.put<{ Params: { key: string }; Body: ReplyEdit }>(
    '/console/api/replies/:key',
    {
      preHandler: guard,
      schema: {
        params: requestSchema(replyKeyParams),
        body: requestSchema(replyEdit),
        response: responseSchema(replyAnswer),
      },
    },
    async (request) => {
      const key = keyOf(request.params.key);
      const problem = checkReplyEdit(key, request.body.content, signature());
      if (problem !== null) {
        await ctx.audit(request, {
          kind: 'operation',
          action: 'reply.edit',
          target: key,
          result: 'failed',
          detail: { problem },
        });
        throw consoleError('REPLY_INVALID', problem);
      }
      const { user } = ctx.current(request);
      await ctx.services().citizens.texts.set(key, request.body.content, user.username);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'reply.edit',
        target: key,
        result: 'ok',
        detail: { content: request.body.content },
      });
      return { key, content: request.body.content };
    },
  );

  app.delete<{ Params: { key: string } }>(
    '/console/api/replies/:key',
    {
      preHandler: guard,
      schema: { params: requestSchema(replyKeyParams), response: responseSchema(replyAnswer) },
    },
    async (request) => {
      const key = keyOf(request.params.key);
      await ctx.services().citizens.texts.reset(key);
      await ctx.audit(request, { kind: 'operation', action: 'reply.reset', target: key, result: 'ok' });
      return { key, content: REPLY_DEFAULTS[key] };
    },
  );
};
