/**
 * `sms12333 serve` processes and the carrier simulator in their own processes, for tests that kill,
 * pause or restart the platform (docs/multinode.md, docs/federation.md, the crash test): spawn one
 * from a configuration and wait until its interface answers, stop it (SIGSTOP), continue it
 * (SIGCONT), kill it, start it again from the same configuration, read what it wrote. `close()` ends
 * every process it started. Also what a simulator's handsets received, and a loopback TCP balancer
 * like the README's nginx `stream` example: new connections go round-robin to the backends, skipping
 * one that refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  freePort,
  runCli,
  startSimulatorProcess,
  waitForHttp,
  type ChildHandle,
  type SimulatorProcess,
} from '../../src/bench/processes.js';

export interface ServeProcess {
  readonly name: string;
  /** The interface's port: `http://127.0.0.1:<port>/api/…`. */
  readonly port: number;
  /** The process running now (a restart replaces it). */
  readonly handle: ChildHandle;
  readonly pid: number;
  /** SIGSTOP: the process stops where it is, sockets and transactions open. */
  stop(): void;
  /** SIGCONT. */
  cont(): void;
  /** Sends `signal` (default SIGKILL, after a SIGCONT so a stopped process dies too); answers its exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts it again from the same configuration and waits until its interface answers. */
  restart(): Promise<void>;
  /** The tail of its stdout and stderr. */
  output(): string;
}

export class TestProcesses {
  /** Where configurations are written; removed by `close()`. */
  readonly dir = mkdtempSync(join(tmpdir(), 'sms12333-processes-'));
  private readonly children: ChildHandle[] = [];

  /** A carrier simulator (CMPP 3.0 unless told) on free loopback ports. */
  async simulator(o: Parameters<typeof startSimulatorProcess>[0]): Promise<SimulatorProcess> {
    const simulator = await startSimulatorProcess(o);
    this.children.push(simulator.handle);
    return simulator;
  }

  /**
   * `sms12333 serve` with `config` (the configuration file's content); the interface listens on
   * 127.0.0.1 at a free port unless `config.interface` says otherwise.
   */
  async serve(name: string, config: Record<string, unknown>, readyTimeoutMs = 90_000): Promise<ServeProcess> {
    const given = (config.interface ?? {}) as Record<string, unknown>;
    const port = typeof given.port === 'number' ? given.port : await freePort();
    const file = join(this.dir, `${name}.yaml`);
    writeFileSync(file, stringify({ ...config, interface: { host: '127.0.0.1', ...given, port } }));
    let handle!: ChildHandle;
    const spawnAndWait = async () => {
      handle = runCli(['serve', '--config', file]);
      this.children.push(handle);
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, handle, readyTimeoutMs);
    };
    await spawnAndWait();
    const signal = (s: NodeJS.Signals) => {
      if (handle.child.exitCode === null && handle.child.signalCode === null) handle.child.kill(s);
    };
    return {
      name,
      port,
      get handle() {
        return handle;
      },
      get pid() {
        return handle.child.pid ?? 0;
      },
      stop: () => signal('SIGSTOP'),
      cont: () => signal('SIGCONT'),
      kill: (s = 'SIGKILL') => {
        signal('SIGCONT');
        return handle.kill(s);
      },
      restart: spawnAndWait,
      output: () => `${handle.stdout()}${handle.stderr()}`,
    };
  }

  /** Kills every process started here (continuing stopped ones first) and removes `dir`. */
  async close(): Promise<void> {
    for (const c of this.children.splice(0)) {
      c.child.kill('SIGCONT');
      await c.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface InboxEntry {
  mobile: string;
  from: string;
  text: string;
  receivedAt: string;
}

/** Everything a simulator process's handsets received (its control port, paged). */
export async function simInbox(controlUrl: string): Promise<InboxEntry[]> {
  const out: InboxEntry[] = [];
  for (let offset = 0; ; offset += 1000) {
    const res = (await (await fetch(`${controlUrl}/sim/inbox?limit=1000&offset=${offset}`)).json()) as {
      messages: InboxEntry[];
    };
    out.push(...res.messages);
    if (res.messages.length < 1000) return out;
  }
}

export async function simStats(
  controlUrl: string,
): Promise<{ submits: number; duplicates: number; segments: number }> {
  return (await (await fetch(`${controlUrl}/sim/stats`)).json()) as {
    submits: number;
    duplicates: number;
    segments: number;
  };
}

export interface TcpBalancer {
  port: number;
  /** Connections handed to each backend port so far. */
  handed: Map<number, number>;
  close(): Promise<void>;
}

/** Listens on a loopback port; each connection goes to the next backend that accepts it. */
export async function startTcpBalancer(backends: readonly number[]): Promise<TcpBalancer> {
  let next = 0;
  const handed = new Map<number, number>();
  const open = new Set<Socket>();
  const connect = (client: Socket, tries: number): void => {
    if (tries === 0) {
      client.destroy();
      return;
    }
    const port = backends[next++ % backends.length] ?? 0;
    const upstream = createConnection({ host: '127.0.0.1', port });
    let connected = false;
    upstream.on('error', () => {
      if (connected) client.destroy();
      else connect(client, tries - 1);
    });
    upstream.once('connect', () => {
      connected = true;
      handed.set(port, (handed.get(port) ?? 0) + 1);
      open.add(upstream);
      client.pipe(upstream).pipe(client);
      upstream.on('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      client.on('close', () => upstream.destroy());
      client.resume();
    });
  };
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('error', () => undefined);
    client.on('close', () => open.delete(client));
    connect(client, backends.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    handed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
