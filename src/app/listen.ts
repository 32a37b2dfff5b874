/** Opening one of the platform's listeners, with an error that says how to get past a taken port. */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.js';

export interface ListenTarget {
  /** Shown in the error: interface, metrics, console. */
  name: string;
  host: string;
  port: number;
  tls: boolean;
  /** Chinese and English advice when the port cannot be had. */
  hint: string;
}

/** Listens and gives the base URL (the real port when 0 was asked for; IPv6 hosts in brackets). */
export async function listenAt(app: FastifyInstance, target: ListenTarget): Promise<string> {
  try {
    await app.listen({ host: target.host, port: target.port });
  } catch (err) {
    throw new AppError(
      'ERR_LISTEN',
      `${target.name} ${target.host}:${target.port}: ${(err as Error).message} — ${target.hint}`,
      { cause: err },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : target.port;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.tls ? 'https' : 'http'}://${host}:${port}`;
}
