/**
 * `sms12333 audit verify|export|prune` (standard §8.1 c). `verify` walks the hash chain
 * with the key derived from the personal-data master key and names the first broken seq; it prints
 * the head's seq and hash so an auditor can keep them elsewhere (a rollback of the whole database
 * to an earlier copy is only seen against such a note). `export` writes entries as CSV and is
 * itself recorded as a data operation. `prune` removes entries older than a date but never any
 * younger than 180 days (等保: audit records are kept at least six months).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  appendAudit,
  AUDIT_RETENTION_MS,
  loadAuditKey,
  pruneAudit,
  verifyAudit,
  type AuditProblem,
} from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { fromBeijing } from '../domain/beijing-time.js';
import { spreadsheetLine } from '../domain/csv.js';
import { AUDIT_CSV_HEADER, auditCsvLine } from '../audit/csv.js';
import { AppError } from '../shared/errors.js';
import { readAuditRange } from '../store/audit-log.js';
import { openDatabase } from '../store/connect.js';
import { need, parse } from './args.js';

const USAGE =
  'sms12333 audit verify [--config FILE]\n' +
  '       sms12333 audit export --from YYYY-MM-DD --to YYYY-MM-DD [--csv FILE] [--config FILE]\n' +
  '       sms12333 audit prune --before YYYY-MM-DD [--config FILE]   # never entries younger than 180 days';

const PROBLEMS: Record<AuditProblem, string> = {
  head: '链头记录被改动 (the head row was altered)',
  missing: '该条记录缺失，中间记录被删除 (entry missing: deleted from the middle or the start)',
  relinked: '前一条哈希不符，记录被替换或插入 (prev_hash does not match: entry replaced or inserted)',
  changed: '记录内容被改动 (entry content changed)',
  truncated: '末尾记录被删除 (entries deleted from the end)',
  headless:
    '链头记录 audit_head 不存在，审计表被清空或损坏 (the audit_head row is gone: the audit tables were emptied or damaged)',
  beyond: '链头之后存在链外记录，有人插入了记录 (entries stored beyond the chain head: rows were inserted)',
};

/** A Beijing calendar day `YYYY-MM-DD` → epoch ms of its start. */
function day(value: string, name: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms =
    m &&
    fromBeijing({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: 0,
      minute: 0,
      second: 0,
    });
  if (!ms) throw new AppError('ERR_CLI_USAGE', `--${name}: YYYY-MM-DD (${value})`);
  return ms;
}

export async function runAudit(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      config: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      csv: { type: 'string' },
      before: { type: 'string' },
    },
    USAGE,
  );
  const action = positionals[0];
  if (action !== 'verify' && action !== 'export' && action !== 'prune')
    throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const config = loadConfig({ file: values.config });
  const key = loadAuditKey(config);
  const handle = await openDatabase(config.database.url);
  try {
    if (action === 'verify') {
      const v = await verifyAudit(handle, key);
      if (v.ok) {
        process.stdout.write(
          `校验通过 verified: ${v.count} 条 entries (seq ${v.firstSeq}–${v.lastSeq}); ` +
            `链头 head seq ${v.lastSeq} hash ${v.lastHash || '-'}\n`,
        );
        return 0;
      }
      process.stdout.write(
        `校验失败 verification failed at seq ${v.seq}: ${PROBLEMS[v.problem]}; 此前 ${v.verified} 条完好 (${v.verified} entries intact before it)\n`,
      );
      return 1;
    }
    if (action === 'prune') {
      // The chain stays verifiable: the head keeps the last pruned entry's hash under its MAC.
      const before = day(need(values.before, 'before'), 'before');
      const removed = await pruneAudit(handle, key, before);
      await appendAudit(handle, key, {
        kind: 'data',
        actor: 'cli',
        action: 'audit.prune',
        target: `..${values.before ?? ''}`,
        result: 'ok',
        detail: { removed, retentionDays: AUDIT_RETENTION_MS / 86_400_000 },
      });
      process.stdout.write(
        `已清理 pruned ${removed} 条 entries (保留至少 ${AUDIT_RETENTION_MS / 86_400_000} 天 entries younger than that are kept)\n`,
      );
      return 0;
    }
    const from = day(need(values.from, 'from'), 'from');
    const to = day(need(values.to, 'to'), 'to') + 24 * 3600 * 1000;
    if (to <= from) throw new AppError('ERR_CLI_USAGE', '--to 早于 --from (--to before --from)');
    const out = values.csv === undefined ? process.stdout : createWriteStream(values.csv);
    let count = 0;
    out.write(`${spreadsheetLine(AUDIT_CSV_HEADER)}\n`);
    for (let after = 0; ;) {
      const page = await readAuditRange(handle.db, { from, to }, after, 1000);
      for (const r of page) if (!out.write(`${auditCsvLine(r)}\n`)) await once(out, 'drain');
      count += page.length;
      const last = page.at(-1);
      if (!last || page.length < 1000) break;
      after = last.seq;
    }
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
      process.stderr.write(`已导出 exported ${count} 条 entries: ${values.csv ?? ''}\n`);
    }
    await appendAudit(handle, key, {
      kind: 'data',
      actor: 'cli',
      action: 'audit.export',
      target: `${values.from ?? ''}..${values.to ?? ''}`,
      result: 'ok',
      detail: { count, file: values.csv ?? null },
    });
    return 0;
  } finally {
    await handle.close();
  }
}
