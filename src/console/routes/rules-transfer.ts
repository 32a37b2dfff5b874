/**
 * The rules file for the security administrator (`security.settings`; docs/data-protection.md
 * "Lists and sensitive words"): every listed number and sensitive word exported unmasked, and such
 * a file imported back. Both are `data` audit entries; the export's is written before it is sent.
 */
import { Readable } from 'node:stream';
import { formatBeijing } from '../../domain/beijing-time.js';
import { parseRules } from '../../domain/rules-file.js';
import { exportRules, importRules } from '../../store/rules-transfer.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

export const rulesTransferRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('security.settings');

  app.get('/console/api/rules/export', { preHandler: guard }, async (request, reply) => {
    await ctx.audit(request, {
      kind: 'data',
      action: 'export.rules',
      target: 'lists+words',
      result: 'ok',
      detail: { unmasked: true },
    });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="rules-${formatBeijing(ctx.now(), 'yyyyMMdd-HHmmss')}.csv"`,
      )
      .header('cache-control', 'no-store')
      .send(Readable.from(exportRules(db)));
  });

  app.post<{ Body: { csv: string } }>(
    '/console/api/rules/import',
    {
      preHandler: guard,
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        body: {
          type: 'object',
          required: ['csv'],
          additionalProperties: false,
          properties: { csv: { type: 'string', minLength: 1, maxLength: 20_000_000 } },
        },
      },
    },
    async (request) => {
      const { entries, invalid } = parseRules(request.body.csv);
      if (invalid.length > 0)
        throw consoleError('INVALID', `${invalid.length} 行无效，未导入任何内容`, {
          invalid: invalid.slice(0, 50),
        });
      const { username } = ctx.current(request).user;
      const result = await importRules(db, ctx.services().ids, entries, username, ctx.now());
      ctx.services().sensitiveWords.invalidate();
      await ctx.audit(request, {
        kind: 'data',
        action: 'import.rules',
        target: 'lists+words',
        result: 'ok',
        detail: { ...result },
      });
      return result;
    },
  );
};
