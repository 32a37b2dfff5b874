/**
 * JSON over HTTP(S) to the ministry platform's interface, with the province's client certificate.
 * The answer tells a request that never left (safe to send again) from one that left and got no
 * answer (the ministry may have taken it): the difference between `retry` and `unanswered`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { MinistryOptions } from '../gateway.js';

export type HttpAnswer =
  | { kind: 'answer'; status: number; body: unknown }
  /** The request was never written (connection refused, name unknown): nothing reached the ministry. */
  | { kind: 'unsent'; reason: string }
  /** Written, no complete answer (timeout, reset): the ministry may have acted on it. */
  | { kind: 'unanswered'; reason: string };

export interface JsonPoster {
  post(path: string, body: Record<string, unknown>): Promise<HttpAnswer>;
  close(): void;
}

export function jsonPoster(options: MinistryOptions, connections: number, timeoutMs: number): JsonPoster {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const read = (file: string | undefined): Buffer | undefined => (file ? readFileSync(file) : undefined);
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: connections,
        cert: read(options.tls?.cert),
        key: read(options.tls?.key),
        ca: read(options.tls?.ca),
      })
    : new http.Agent({ keepAlive: true, maxSockets: connections });
  const send = secure ? https.request : http.request;
  return {
    post(path, body) {
      const payload = Buffer.from(JSON.stringify(body));
      return new Promise<HttpAnswer>((resolve) => {
        let written = false;
        const req = send(
          new URL(path, base),
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': payload.length },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (err) => resolve({ kind: 'unanswered', reason: err.message }));
            res.on('end', () => {
              try {
                resolve({
                  kind: 'answer',
                  status: res.statusCode ?? 0,
                  body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
                });
              } catch {
                resolve({ kind: 'answer', status: res.statusCode ?? 0, body: null });
              }
            });
          },
        );
        req.on('socket', (socket) => {
          // A reused keep-alive socket is open already; a new one counts once TLS is up.
          if (!socket.connecting && (!secure || 'encrypted' in socket)) written = true;
          else socket.once(secure ? 'secureConnect' : 'connect', () => (written = true));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (err) =>
          resolve(
            written ? { kind: 'unanswered', reason: err.message } : { kind: 'unsent', reason: err.message },
          ),
        );
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
