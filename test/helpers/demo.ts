/**
 * `sms12333 serve --demo` as a newcomer starts it (`npm start`): a real process in an empty folder,
 * on free ports, and the banner it prints read back — the console URL and the one-time passwords of
 * the first-run accounts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freePortRange, runCli, type ChildHandle } from '../../src/bench/processes.js';
import { eventually } from './platform.js';

export interface DemoBanner {
  consoleUrl: string;
  /** User name → the printed one-time password, or null for 密码已修改. */
  users: Map<string, string | null>;
}

export function readDemoBanner(text: string): DemoBanner | undefined {
  const url = /控制台 console\s+(http:\/\/\S+)\/console\//.exec(text)?.[1];
  if (url === undefined || !/按 Ctrl\+C 停止/.test(text)) return undefined;
  const users = new Map<string, string | null>();
  for (const m of text.matchAll(/^ {4}(\S+)\s.*?(?:one-time password: (\S+)|密码已修改.*)$/gm))
    users.set(m[1] ?? '', m[2] ?? null);
  return { consoleUrl: url, users };
}

/** Free ports for every listener of the demo, as SMS12333_* variables. */
export async function demoPorts(): Promise<Record<string, string>> {
  return {
    SMS12333_INTERFACE_PORT: String(await freePort()),
    SMS12333_DEMO_SIMULATOR_PORT: String(await freePortRange(5)),
    SMS12333_DEMO_CONTROL_PORT: String(await freePortRange(4)),
    SMS12333_METRICS_PORT: String(await freePort()),
    SMS12333_CONSOLE_PORT: String(await freePort()),
  };
}

export interface RunningDemo {
  dir: string;
  env: Record<string, string>;
  /** Starts `serve --demo` in `dir` (again) and waits for its banner. */
  start(): Promise<{ process: ChildHandle; banner: DemoBanner }>;
  /** Kills what was started and removes the folder. */
  close(): Promise<void>;
}

export async function demoFolder(prefix: string): Promise<RunningDemo> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = await demoPorts();
  const children: ChildHandle[] = [];
  return {
    dir,
    env,
    async start() {
      const child = runCli(['serve', '--demo'], env, dir);
      children.push(child);
      const banner = await eventually(
        () => readDemoBanner(child.stdout()),
        60_000,
        `the banner\n${child.stdout()}\n${child.stderr()}`,
      );
      return { process: child, banner };
    },
    async close() {
      for (const c of children) await c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
