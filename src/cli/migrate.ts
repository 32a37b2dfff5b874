import { loadConfig } from '../config/load.js';
import { describeUrl, migrate, openDatabase } from '../store/connect.js';
import { rebuildTallies } from '../store/message-tallies.js';
import { parse } from './args.js';

export async function runMigrate(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { config: { type: 'string' }, 'rebuild-tallies': { type: 'boolean' } },
    'sms12333 migrate [--config FILE] [--rebuild-tallies]',
  );
  const config = loadConfig({ file: values.config });
  const handle = await openDatabase(config.database.url, { migrate: false });
  try {
    const applied = await migrate(handle);
    process.stdout.write(
      applied.length > 0
        ? `已应用迁移 applied: ${applied.join(', ')} (${describeUrl(config.database.url)})\n`
        : `数据库已是最新 schema up to date (${describeUrl(config.database.url)})\n`,
    );
    if (values['rebuild-tallies'] === true) {
      await rebuildTallies(handle.db, handle.caps);
      process.stdout.write('短信计数已重新统计 message counts rebuilt\n');
    }
  } finally {
    await handle.close();
  }
  return 0;
}
