/**
 * `sms12333 backend import --file persons.csv [--skip-invalid] [--config FILE]`: fills the embedded
 * business backend (docs/design.md §4.1; the file's rules are in src/backend/import-csv.ts).
 *
 * Exit codes: 0 imported (with --skip-invalid, bad rows are listed and skipped); 1 bad rows and
 * nothing imported, or a file or database error; 2 wrong usage.
 */
import { readFileSync } from 'node:fs';
import { importPersons, type ImportProgress } from '../backend/import-csv.js';
import { loadConfig } from '../config/load.js';
import { AppError } from '../shared/errors.js';
import { loadPersonalDataCipher } from '../security/personal-data.js';
import { describeUrl, openDatabase } from '../store/connect.js';
import { need, parse } from './args.js';

const USAGE = 'sms12333 backend import --file persons.csv [--skip-invalid] [--config FILE]';

function describeProgress(p: ImportProgress): string {
  return p.phase === 'check' ? `已检查 checked ${p.done} 行 rows\n` : `已写入 written ${p.done}/${p.total}\n`;
}

export async function runBackend(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { config: { type: 'string' }, file: { type: 'string' }, 'skip-invalid': { type: 'boolean' } },
    USAGE,
  );
  if (positionals[0] !== 'import' || positionals.length > 1)
    throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const file = need(values.file, 'file');
  const config = loadConfig({ file: values.config });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('ERR_INPUT_INVALID', `--file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (config.backend.kind !== 'embedded')
    process.stderr.write(
      `注意 note: backend.kind 为 ${config.backend.kind}，导入的数据仅供 embedded 业务后端使用 (the imported data serves the embedded backend only)\n`,
    );
  const { cipher, keyFileCreated } = loadPersonalDataCipher(config);
  if (keyFileCreated)
    process.stderr.write(
      `已生成个人数据密钥 created the personal-data key ${keyFileCreated} — 请与数据库分开备份，丢失则无法解密 (back it up apart from the database; without it the data cannot be read)\n`,
    );
  const handle = await openDatabase(config.database.url, {
    sqliteSynchronous: config.database.sqliteSynchronous,
    poolSize: 2,
  });
  try {
    const summary = await importPersons(handle, cipher, text, {
      skipInvalid: values['skip-invalid'] === true,
      onProgress: (p) => process.stdout.write(describeProgress(p)),
    });
    for (const bad of summary.invalid)
      process.stderr.write(`第 ${bad.line} 行 line ${bad.line}: ${bad.reason}\n`);
    const where = describeUrl(config.database.url);
    if (!summary.imported) {
      process.stderr.write(
        `未导入 nothing imported: ${summary.invalid.length} 行有误 bad rows of ${summary.rows}` +
          ` (改正后重试，或用 --skip-invalid 只导入正确的行; fix them, or use --skip-invalid to import the good rows)\n`,
      );
      return 1;
    }
    process.stdout.write(
      `导入完成 imported ${file} → ${where}: 新增 created ${summary.created}, 更新 updated ${summary.updated}` +
        (summary.invalid.length > 0 ? `, 跳过 skipped ${summary.invalid.length} 行有误 bad rows` : '') +
        ` (共 of ${summary.rows} 行 rows)\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
