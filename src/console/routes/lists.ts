/**
 * Black and white lists (§8.2) and the unsubscribed numbers, for `list.manage`. Numbers are shown
 * masked; a row carries a sealed key so it can be removed without the browser ever holding the
 * whole number. TD is read-only here: it is the citizen's own choice.
 */
import { Readable } from 'node:stream';
import { formatBeijing } from '../../domain/beijing-time.js';
import { spreadsheetLine } from '../../domain/csv.js';
import { normalizeMobile, pastedNumbers } from '../../domain/phone.js';
import { maskMobile } from '../../shared/log.js';
import {
  addNumbers,
  allNumbers,
  listCounts,
  listNumbers,
  removeNumber,
  type ListEntry,
  type ListKind,
} from '../../store/number-lists.js';
import {
  listAdd,
  listAdded,
  listKindParams,
  listRemove,
  listsAnswer,
  listsQuery,
  type ListAdd,
  type ListAdded,
  type ListKindParams,
  type ListRemove,
  type ListsAnswer,
  type ListsQuery,
} from '../contract/lists.js';
import { okAnswer, requestSchema, responseSchema } from '../contract/schema.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

export const MAX_PASTED = 10_000;
const KIND_NAMES: Record<ListKind, string> = { BLACKLIST: '黑名单', WHITELIST: '白名单', TD: '退订' };

const beijing = (ms: number): string => formatBeijing(ms, 'yyyy-MM-dd HH:mm:ss');

export const listsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const { cipher } = ctx.deps;
  const guard = ctx.allow('list.manage', 'list.propose');
  // The lists are the security administrator's alone (separation of duties); an operator proposes
  // changes (routes/proposals.ts).
  const manage = ctx.allow('list.manage');
  const view = (e: ListEntry): ListsAnswer['entries'][number] => ({
    key: cipher.encrypt(e.mobile),
    mobile: maskMobile(e.mobile),
    reason: e.reason,
    createdAt: new Date(e.createdAt).toISOString(),
  });

  const kindParams = requestSchema(listKindParams);

  app.get<{ Querystring: ListsQuery }>(
    '/console/api/lists',
    {
      preHandler: guard,
      schema: { querystring: requestSchema(listsQuery), response: responseSchema(listsAnswer) },
    },
    async (request): Promise<ListsAnswer> => {
      const { kind, mobile, page, pageSize } = request.query;
      const wanted = mobile === undefined || mobile.trim() === '' ? undefined : normalizeMobile(mobile);
      if (wanted === null) throw consoleError('LIST_NO_NUMBERS');
      const [counts, found] = await Promise.all([
        listCounts(db),
        listNumbers(db, kind, { mobile: wanted, offset: (page - 1) * pageSize, limit: pageSize }),
      ]);
      return { counts, total: found.total, entries: found.entries.map(view) };
    },
  );

  app.post<{ Params: ListKindParams; Body: ListAdd }>(
    '/console/api/lists/:kind',
    {
      preHandler: manage,
      schema: { params: kindParams, body: requestSchema(listAdd), response: responseSchema(listAdded) },
    },
    async (request): Promise<ListAdded> => {
      const { kind } = request.params;
      if (kind === 'TD') throw consoleError('LIST_TD_READONLY');
      const { valid, invalid } = pastedNumbers(request.body.numbers);
      if (valid.length + invalid.length > MAX_PASTED)
        throw consoleError('INVALID', `一次最多添加 ${MAX_PASTED} 个号码`, { max: MAX_PASTED });
      if (valid.length === 0)
        throw consoleError('LIST_NO_NUMBERS', undefined, { invalid: invalid.slice(0, 50) });
      const reason = request.body.reason?.trim() ?? '';
      const added = await addNumbers(db, kind, valid, reason === '' ? null : reason, ctx.now());
      await ctx.audit(request, {
        kind: 'data',
        action: 'list.add',
        target: kind,
        result: 'ok',
        detail: { added, already: valid.length - added, invalid: invalid.length },
      });
      return {
        added,
        already: valid.length - added,
        invalid: invalid.slice(0, 50),
        invalidCount: invalid.length,
      };
    },
  );

  app.post<{ Params: ListKindParams; Body: ListRemove }>(
    '/console/api/lists/:kind/remove',
    {
      preHandler: manage,
      schema: { params: kindParams, body: requestSchema(listRemove), response: responseSchema(okAnswer) },
    },
    async (request) => {
      const { kind } = request.params;
      if (kind === 'TD') throw consoleError('LIST_TD_READONLY');
      let mobile: string;
      try {
        mobile = cipher.decrypt(request.body.key);
      } catch {
        throw consoleError('LIST_NOT_LISTED');
      }
      const removed = await removeNumber(db, kind, mobile);
      await ctx.audit(request, {
        kind: 'data',
        action: 'list.remove',
        target: kind,
        result: removed ? 'ok' : 'failed',
        detail: { mobile: maskMobile(mobile) },
      });
      if (!removed) throw consoleError('LIST_NOT_LISTED');
      return { ok: true } as const;
    },
  );

  app.get<{ Params: ListKindParams }>(
    '/console/api/lists/:kind/export',
    { preHandler: guard, schema: { params: kindParams } },
    async (request, reply) => {
      const { kind } = request.params;
      await ctx.audit(request, { kind: 'data', action: 'export.list', target: kind, result: 'ok' });
      async function* lines(): AsyncGenerator<string> {
        yield `\uFEFF${spreadsheetLine(['名单', '手机号码(脱敏)', '原因', '加入时间(北京时间)'])}\r\n`;
        for await (const page of allNumbers(db, kind))
          yield page
            .map(
              (e) =>
                `${spreadsheetLine([KIND_NAMES[kind], maskMobile(e.mobile), e.reason ?? '', beijing(e.createdAt)])}\r\n`,
            )
            .join('');
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="list-${kind.toLowerCase()}-${formatBeijing(ctx.now(), 'yyyyMMdd-HHmmss')}.csv"`,
        )
        .header('cache-control', 'no-store')
        .send(Readable.from(lines()));
    },
  );
};
