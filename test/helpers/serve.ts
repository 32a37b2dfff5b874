/**
 * Real `sms12333 serve` processes for tests that kill them (src/bench/processes.ts spawns them), what
 * their carrier simulator received, and a loopback TCP balancer like the README's nginx `stream`
 * example: new connections go round-robin to the backends, skipping one that refuses.
 */
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli, waitForHttp, type ChildHandle } from '../../src/bench/processes.js';

export interface ServeProcess {
  handle: ChildHandle;
  /** Runs `serve` again with the same configuration (after a kill). */
  restart(): Promise<ServeProcess>;
}

/**
 * Writes `config` as `<dir>/<name>.yaml` and runs `serve` with it until its interface
 * (`config.interface.port`) answers; each process started is added to `children` for cleanup.
 */
export async function startServe(
  dir: string,
  name: string,
  config: { interface: { port: number } } & Record<string, unknown>,
  children: ChildHandle[],
  timeoutMs = 60_000,
): Promise<ServeProcess> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(config));
  const start = async (): Promise<ServeProcess> => {
    const handle = runCli(['serve', '--config', file]);
    children.push(handle);
    await waitForHttp(`http://127.0.0.1:${config.interface.port}/healthz`, handle, timeoutMs);
    return { handle, restart: start };
  };
  return start();
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
