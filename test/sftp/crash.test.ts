/**
 * A file taken over SFTP completes exactly once across a kill -9 (docs/sftp.md): the platform is
 * killed while it admits a file of 100,000 rows (the most a file may hold), a fifth of them in,
 * restarted, and every row then has exactly one message and one result line. The file is parsed in
 * a worker thread and admitted 500 rows at a time, so the kill lands between committed slices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort, runCli, waitForHttp, type ChildHandle } from '../../src/bench/processes.js';
import { openDatabase } from '../../src/store/connect.js';
import { setSftpCredentials } from '../../src/store/sftp.js';
import { createTestApp } from '../helpers/apps.js';
import { createTestDatabase } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';
import { runSftp } from '../helpers/sftp.js';

const ROWS = 100_000;
const run = promisify(execFile);

test('sqlite: kill -9 while a 100,000-row SFTP file is admitted; after restart every row is sent once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-sftp-crash-'));
  const target = await createTestDatabase('sqlite');
  const children: ChildHandle[] = [];
  t.after(async () => {
    for (const c of children) await c.kill('SIGKILL');
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const [apiPort, sftpPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  const configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    stringify({
      database: { url: target.url },
      interface: { host: '127.0.0.1', port: apiPort },
      console: { enabled: false },
      metrics: { enabled: false },
      // No carrier answers: the messages stay queued, which is all this test counts.
      gateways: [
        {
          id: 'cmcc-1',
          protocol: 'cmpp3',
          host: '127.0.0.1',
          port: deadPort,
          account: '901234',
          secret: 'x',
          spNumber: '1065712333',
          carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
          reconnectMinMs: 1000,
          reconnectMaxMs: 5000,
        },
      ],
      sftp: {
        enabled: true,
        port: sftpPort,
        hostKeyFile: join(dir, 'host'),
        dir: join(dir, 'sftp'),
        pollMs: 200,
      },
      log: { level: 'warn' },
    }),
  );
  const key = join(dir, 'k');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const setup = await openDatabase(target.url);
  t.after(() => setup.close());
  const app = await createTestApp(setup.db, 'hrss', { balance: 1_000_000 });
  await setSftpCredentials(
    setup.db,
    app.id,
    { publicKeys: [readFileSync(`${key}.pub`, 'utf8')] },
    Date.now(),
  );
  const count = async (): Promise<number> =>
    Number(
      (
        await setup.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('app_id', '=', app.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const rows = Array.from({ length: ROWS }, (_, i) => `139${String(i).padStart(8, '0')},第${i}号通知`);
  writeFileSync(join(dir, 'big.csv'), `mobile,content\n${rows.join('\n')}\n`);

  const start = async (): Promise<ChildHandle> => {
    const server = runCli(['serve', '--config', configFile]);
    children.push(server);
    await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`, server);
    return server;
  };
  const first = await start();
  const up = await runSftp(
    sftpPort,
    'hrss',
    key,
    ['put big.csv inbox/big.csv.part', 'rename inbox/big.csv.part inbox/big.csv'],
    dir,
  );
  assert.equal(up.code, 0, up.out);
  // Killed once a fifth of the file is admitted: many slices committed, most still to come.
  const before = await eventually(
    async () => {
      const n = await count();
      return n >= ROWS / 5 ? n : undefined;
    },
    120_000,
    'a fifth of the rows admitted',
  );
  await first.kill('SIGKILL');
  const atKill = await count();
  t.diagnostic(`killed with ${atKill} of ${ROWS} rows admitted`);
  assert.ok(before < ROWS && atKill < ROWS, `killed mid-file (${atKill} of ${ROWS} admitted)`);
  assert.equal(existsSync(join(dir, 'sftp', 'hrss', 'outbox', 'big.csv.result.csv')), false);

  await start();
  const resultFile = join(dir, 'sftp', 'hrss', 'outbox', 'big.csv.result.csv');
  await eventually(() => (existsSync(resultFile) ? true : undefined), 300_000, 'the result file');
  assert.equal(await count(), ROWS, 'each row sent exactly once');
  const distinct = await setup.db
    .selectFrom('messages')
    .select((eb) => eb.fn.count<number | string>('mobile').distinct().as('n'))
    .where('app_id', '=', app.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(distinct.n), ROWS);
  const lines = readFileSync(resultFile, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  assert.equal(lines.length, ROWS);
  assert.equal(lines.filter((l) => /,1,OK,\d+$/.test(l)).length, ROWS);
  assert.equal(new Set(lines.map((l) => l.split(',')[4])).size, ROWS, 'one message id per row');
  // The record follows the result file.
  const files = await eventually(async () => {
    const rows = await setup.db.selectFrom('sftp_files').select(['status', 'accepted']).execute();
    return rows[0]?.status === 'admitted' ? rows : undefined;
  });
  assert.deepEqual(files, [{ status: 'admitted', accepted: ROWS }]);
});
