/**
 * Child processes for the benchmark and the crash tests: the platform and the carrier simulator
 * each in their own process (so they use their own core and can be killed independently).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * How to run the CLI: the compiled one next to this file (dist/), or the TypeScript sources
 * through tsx when this file runs from src/ (tests).
 */
function cliCommand(): { command: string; args: string[] } {
  if (here.includes(join('dist', 'bench')))
    return { command: process.execPath, args: [join(here, '..', '..', 'bin', 'sms12333.js')] };
  const entry = join(here, '..', 'cli', 'entry.ts');
  // Resolved here, so the child finds tsx whatever its working directory.
  return { command: process.execPath, args: ['--import', import.meta.resolve('tsx'), entry] };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ChildHandle {
  child: ChildProcess;
  /** Everything the child wrote to stdout so far. */
  stdout(): string;
  /** Everything the child wrote to stderr so far (for failure messages). */
  stderr(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Peak resident memory in MiB (VmHWM) and current (VmRSS), from /proc. */
  memory(): { rssMiB: number; peakMiB: number } | null;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): ChildHandle {
  const { command, args: prefix } = cliCommand();
  // SMS12333_PROFILE_DIR=dir writes a V8 CPU profile of every child process there (`npm run bench`).
  const profile = process.env.SMS12333_PROFILE_DIR
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.SMS12333_PROFILE_DIR]
    : [];
  const child = spawn(command, [...profile, ...prefix, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out = (out + chunk).slice(-20_000);
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    memory() {
      try {
        const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8');
        const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
        return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
      } catch {
        return null;
      }
    },
  };
}

/** Waits until `url` answers 200, the child exits, or the deadline passes. */
export async function waitForHttp(url: string, child: ChildHandle, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state = { exited: false };
  void child.exited.then(() => (state.exited = true));
  for (;;) {
    if (state.exited) throw new Error(`process exited before ${url} answered:\n${child.stderr()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SimulatorProcess {
  handle: ChildHandle;
  port: number;
  controlUrl: string;
  account: string;
  secret: string;
}

/** A CMPP 3.0 simulator in its own process on free loopback ports, answering its control port. */
export async function startSimulatorProcess(o: {
  secret: string;
  dlrDelayMs: number;
  account?: string;
  protocol?: string;
  /** SGIP: the platform's listener the simulated SMG delivers to. */
  peer?: { port: number; account: string; secret: string };
}): Promise<SimulatorProcess> {
  const [port, controlPort] = [await freePort(), await freePort()];
  const account = o.account ?? '901234';
  const handle = runCli(
    [
      'simulator',
      '--protocol',
      o.protocol ?? 'cmpp3',
      '--port',
      String(port),
      '--control-port',
      String(controlPort),
      '--account',
      account,
      '--secret',
      o.secret,
      '--dlr-delay-ms',
      String(o.dlrDelayMs),
      ...(o.peer
        ? [
            '--peer-port',
            String(o.peer.port),
            '--peer-account',
            o.peer.account,
            '--peer-secret',
            o.peer.secret,
          ]
        : []),
    ],
    { SMS12333_LOG_LEVEL: 'warn' },
  );
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  await waitForHttp(`${controlUrl}/sim/stats`, handle);
  return { handle, port, controlUrl, account, secret: o.secret };
}

/** The first of `count` consecutive loopback ports that are all free now. */
export async function freePortRange(count: number): Promise<number> {
  const tryListen = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await tryListen(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}
