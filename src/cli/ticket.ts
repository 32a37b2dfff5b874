/**
 * `sms12333 ticket list|complete`: card-loss reports and extension tickets from the command line
 * (§7.3) until the console has its page. Completing one queues the result message to the citizen
 * in the same commit; a running platform sends it.
 */
import { configuredRoutes } from '../citizen/outgoing.js';
import { completeAndNotify } from '../citizen/ticket-results.js';
import { maskName } from '../citizen/people.js';
import { ReplyTexts } from '../citizen/reply-texts.js';
import { loadAuditKey } from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { auditCli } from './cli-audit.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { AppError } from '../shared/errors.js';
import { maskMobile } from '../shared/log.js';
import { loadPersonalDataCipher } from '../security/personal-data.js';
import { openDatabase } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { listTickets, type TicketRecord } from '../store/tickets.js';
import { need, parse } from './args.js';

const USAGE =
  'sms12333 ticket list [--status OPEN,HANDLING,DONE,REJECTED] [--config FILE]\n' +
  '       sms12333 ticket complete --request-no NO --result done|rejected [--text 说明] [--by NAME] [--config FILE]';

const STATUSES = ['OPEN', 'HANDLING', 'DONE', 'REJECTED'] as const;

export async function runTicket(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      config: { type: 'string' },
      status: { type: 'string' },
      'request-no': { type: 'string' },
      result: { type: 'string' },
      text: { type: 'string' },
      by: { type: 'string' },
    },
    USAGE,
  );
  const action = positionals[0];
  if (action !== 'list' && action !== 'complete') throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const config = loadConfig({ file: values.config });
  const handle = await openDatabase(config.database.url);
  try {
    const { cipher } = loadPersonalDataCipher(config);
    if (action === 'list') {
      const wanted = (values.status ?? 'OPEN,HANDLING').split(',').map((s) => s.trim().toUpperCase());
      const bad = wanted.filter((s) => !(STATUSES as readonly string[]).includes(s));
      if (bad.length > 0)
        throw new AppError('ERR_CLI_USAGE', `--status: ${bad.join(',')} (${STATUSES.join('|')})`);
      const tickets = await listTickets(handle.db, {
        status: wanted as TicketRecord['status'][],
        limit: 1000,
      });
      for (const t of tickets) {
        const name = t.nameEnc === null ? '' : maskName(cipher.decrypt(t.nameEnc));
        process.stdout.write(
          `${t.requestNo}\t${t.kind}\t${t.status}\t${t.handler}\t${maskMobile(t.mobile)}\t${name}\t${formatBeijing(t.createdAt, 'yyyy-MM-dd HH:mm')}\n`,
        );
      }
      process.stdout.write(`共 ${tickets.length} 件 (${tickets.length} tickets)\n`);
      return 0;
    }
    const requestNo = need(values['request-no'], 'request-no');
    const result = need(values.result, 'result');
    if (result !== 'done' && result !== 'rejected')
      throw new AppError('ERR_CLI_USAGE', '--result: done | rejected');
    if (values.text !== undefined && values.text.length > 15)
      throw new AppError(
        'ERR_INPUT_INVALID',
        '--text: 至多 15 个字，结果短信须为一条 (at most 15 characters)',
      );
    const ids = new IdAllocator(handle.db, 10);
    const done = await completeAndNotify(
      {
        handle,
        ids,
        router: configuredRoutes(config),
        cipher,
        texts: new ReplyTexts(handle.db, config.citizen.signature),
        signature: config.citizen.signature,
        now: Date.now,
      },
      requestNo,
      { result, text: values.text ?? null, by: values.by ?? 'cli' },
    );
    if (!done)
      throw new AppError('ERR_INPUT_INVALID', `${requestNo}: 不存在或已办结 (unknown or already completed)`);
    await auditCli(handle, loadAuditKey(config), {
      kind: 'operation',
      action: 'ticket.complete',
      target: requestNo,
      result: 'ok',
      detail: { result, by: values.by ?? 'cli' },
    });
    process.stdout.write(
      `${requestNo} 已${result === 'done' ? '办结' : '退回'} (${result}); 结果短信已排队 (result message queued) → ${maskMobile(done.ticket.mobile)}\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
