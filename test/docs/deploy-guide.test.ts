/**
 * docs/deploy.md is run, not just read: every `sh` block, in order, in one bash, with the guide's
 * variables pointed at a scratch folder, the test PostgreSQL server and free loopback ports. Where
 * no systemd runs, `systemctl` is a small stand-in that does what the unit says — loads its
 * environment file, hands over the TLS credentials, starts (or stops) its command — after the unit
 * itself was checked by `systemd-analyze verify` in the guide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../src/bench/processes.js';
import { PG_URL } from '../helpers/databases.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

async function admin(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

test('docs/deploy.md: every command runs — PostgreSQL role, secrets, TLS, keys, the hardened unit, backups, the restore drill, an upgrade', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'sms12333-deploy-'));
  const role = `sms_drill_${randomBytes(4).toString('hex')}`;
  const bin = join(scratch, 'bin');
  const state = join(scratch, 'state');
  mkdirSync(bin);
  mkdirSync(state, { mode: 0o700 });
  t.after(async () => {
    const pidFile = join(state, 'service.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // already stopped
      }
    }
    await admin(`DROP SCHEMA IF EXISTS ${role} CASCADE`);
    await admin(`DROP OWNED BY ${role}`).catch(() => undefined);
    await admin(`DROP ROLE IF EXISTS ${role}`);
    rmSync(scratch, { recursive: true, force: true });
  });
  const tsx = import.meta.resolve('tsx');
  writeFileSync(
    join(bin, 'sms12333'),
    `#!/usr/bin/env bash\nexec "${process.execPath}" --import "${tsx}" "${join(ROOT, 'src/cli/entry.ts')}" "$@"\n`,
  );
  writeFileSync(
    join(bin, 'systemctl'),
    `#!/usr/bin/env bash
# Stand-in for systemd in a machine without it: does what sms12333.service says.
set -euo pipefail
case "$1" in
  daemon-reload) ;;
  enable) if [ "$2" = "--now" ]; then exec "$0" start "$3"; fi ;;
  start)
    mkdir -p "$TLS_DIR" && cp "$ETC/tls/cert.pem" "$TLS_DIR/tls-cert" && cp "$ETC/tls/key.pem" "$TLS_DIR/tls-key"
    (set -a && . "$ETC/env" && cd "$STATE" && umask 077 && exec sms12333 serve --config "$ETC/config.yaml" >>"$STATE/service.log" 2>&1) &
    echo $! >"$STATE/service.pid" ;;
  stop)
    pid=$(cat "$STATE/service.pid"); kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done ;;
  *) echo "systemctl stand-in: $*" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(join(bin, 'sms12333'), 0o755);
  chmodSync(join(bin, 'systemctl'), 0o755);

  const script = shellBlocks(readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8'));
  assert.ok(script.length >= 10, 'the guide has its commands');
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    ETC: join(scratch, 'etc'),
    STATE: state,
    UNITS: join(scratch, 'units'),
    TLS_DIR: join(scratch, 'credentials'),
    OFFLINE: join(scratch, 'offline'),
    BACKUPS: join(scratch, 'backups'),
    PG_ADMIN_URL: PG_URL,
    PG_HOST: new URL(PG_URL).hostname,
    PG_DB: new URL(PG_URL).pathname.slice(1),
    PG_PARAMS: '',
    SMS_ROLE: role,
    BIND: '127.0.0.1',
    IF_PORT: String(await freePort()),
    CONSOLE_PORT: String(await freePort()),
    METRICS_PORT: String(await freePort()),
    // The drill's own demo simulators are not wanted; the service has no gateways configured.
    SMS12333_LOG_LEVEL: 'warn',
  };
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script.join('\n')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const log = existsSync(join(state, 'service.log')) ? readFileSync(join(state, 'service.log'), 'utf8') : '';
  assert.equal(code, 0, `${output}\n--- service log ---\n${log.slice(-3000)}`);

  // What the guide was meant to leave behind.
  const granted = await admin(
    `SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = '${role}'`,
  );
  assert.deepEqual(granted.rows[0], {
    rolsuper: false,
    rolcreatedb: false,
    rolcreaterole: false,
    rolcanlogin: true,
  });
  const tables = await admin(
    `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = '${role}'`,
  );
  assert.ok((tables.rows[0] as { n: number }).n > 20, 'the role owns the migrated schema');
  assert.equal(statSync(join(scratch, 'etc', 'env')).mode & 0o777, 0o600);
  assert.equal(statSync(join(state, 'data.key')).mode & 0o777, 0o600);
  assert.ok(readdirSync(join(scratch, 'backups')).some((f) => f.startsWith('pre-upgrade-')));
  assert.match(output, /审计链校验通过 audit chain verified/);
});
