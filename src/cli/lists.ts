/**
 * `sms12333 lists export --out FILE` and `lists import --file FILE` (docs/data-protection.md "Lists
 * and sensitive words"): the black and white lists and the sensitive words, unmasked, as the rules
 * file; both are audit entries. The file holds whole phone numbers: keep it as you keep a backup.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { loadAuditKey } from '../audit/log.js';
import { auditCli } from './cli-audit.js';
import { loadConfig } from '../config/load.js';
import { parseRules } from '../domain/rules-file.js';
import { AppError } from '../shared/errors.js';
import { openDatabase } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { exportRules, importRules } from '../store/rules-transfer.js';
import { need, parse } from './args.js';

const USAGE =
  'sms12333 lists export --out FILE [--config FILE]\n       sms12333 lists import --file FILE [--config FILE]';

export async function runLists(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { config: { type: 'string' }, out: { type: 'string' }, file: { type: 'string' } },
    USAGE,
  );
  const action = positionals[0];
  if (action !== 'export' && action !== 'import') throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const config = loadConfig({ file: values.config });
  const auditKey = loadAuditKey(config);
  const handle = await openDatabase(config.database.url);
  try {
    if (action === 'export') {
      const out = need(values.out, 'out');
      let text = '';
      for await (const chunk of exportRules(handle.db)) text += chunk;
      await writeFile(out, text, { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
        throw new AppError('ERR_CLI_USAGE', `${out}: ${(err as Error).message}`);
      });
      const lines = text.split('\r\n').filter((l) => l !== '').length - 1;
      await auditCli(handle, auditKey, {
        kind: 'data',
        action: 'export.rules',
        target: out,
        result: 'ok',
        detail: { entries: lines, unmasked: true },
      });
      process.stdout.write(`已导出 exported ${lines} 条 entries (未脱敏 unmasked) → ${out}\n`);
      return 0;
    }
    const file = need(values.file, 'file');
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new AppError('ERR_CLI_USAGE', `${file}: ${(err as Error).message}`);
    });
    const { entries, invalid } = parseRules(text);
    for (const bad of invalid.slice(0, 20))
      process.stderr.write(`第 ${bad.line} 行 line ${bad.line}: ${bad.reason}\n`);
    if (invalid.length > 0) {
      process.stderr.write(`${invalid.length} 行无效，未导入任何内容 (invalid lines: nothing imported)\n`);
      return 1;
    }
    const result = await importRules(handle.db, new IdAllocator(handle.db, 10), entries, 'cli', Date.now());
    await auditCli(handle, auditKey, {
      kind: 'data',
      action: 'import.rules',
      target: file,
      result: 'ok',
      detail: { ...result },
    });
    process.stdout.write(
      `已导入 imported: 号码 numbers ${result.numbers}, 敏感词 words ${result.words}, 已有 already there ${result.already}\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
