/**
 * The ministry's push callbacks to a province's ministry link (docs/design.md §4.7, docs/federation.md
 * §4 "Push"): the province registers this listener's address as its account's `reportUrl` /
 * `replyUrl` on the ministry, which POSTs `{appName, reports: […]}` and `{appName, replies: […]}`
 * — the items of the pull calls — signed with the account's callback secret.
 *
 * A callback is answered 204 only once its items are stored, so the ministry's retries cover a
 * crash in between. Items are stored as pulled ones are (feeds.ts): a report for a part already
 * final changes nothing and a reply is stored once per ministry reply id, so a callback sent again,
 * or one that overlaps a catch-up pull, applies once. Refused: a wrong or missing signature and a
 * timestamp further off than `maxSkewSeconds` (401), a body that is not a callback for this
 * link's account (400).
 */
import http from 'node:http';
import type { Logger } from 'pino';
import { checkCallback } from '../../shared/callback-signature.js';
import { AppError } from '../../shared/errors.js';
import type { GatewayHandlers, MinistryPush } from '../gateway.js';
import type { LinkContext } from './context.js';
import { storeReplies, storeReports } from './feeds.js';

/** 500 items of the longest replies with their JSON fit well within this. */
const BODY_MAX = 8 * 1024 * 1024;

export interface PushDeps {
  link: LinkContext;
  options: MinistryPush;
  /** Null until the gateway has started. */
  handlers(): GatewayHandlers | null;
  /** An authentic callback arrived: the ministry is up. */
  heard(): void;
  logger: Logger;
}

export class PushReceiver {
  private server: http.Server | null = null;
  private listening: Promise<void> | null = null;
  private readonly storing = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: PushDeps) {}

  /** Listens on listenHost:listenPort; rejects with `ERR_LISTEN` when the port cannot be had. */
  start(): Promise<void> {
    if (this.stopped)
      return Promise.reject(new AppError('ERR_GATEWAY_CLOSED', 'ministry push listener closed'));
    this.listening ??= new Promise<void>((resolve, reject) => {
      const { listenHost, listenPort } = this.deps.options;
      const server = http.createServer((req, res) => this.receive(req, res));
      this.server = server;
      server.once('error', (err) => {
        this.server = null;
        // Another try may succeed (a replaced link still closing holds the port for a while).
        this.listening = null;
        reject(
          new AppError('ERR_LISTEN', `ministry push ${listenHost}:${listenPort} ${err.message}`, {
            cause: err,
          }),
        );
      });
      server.listen(listenPort, listenHost, () => {
        server.on('error', (err) =>
          this.deps.logger.error({ err }, '部级平台推送监听错误 push listener error'),
        );
        resolve();
      });
    });
    return this.listening;
  }

  /** Stops accepting, lets callbacks being stored finish and answer, then closes every connection. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.listening?.catch(() => undefined);
    const server = this.server;
    this.server = null;
    if (!server) return;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...this.storing]);
    server.closeAllConnections();
    await stopped;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'POST') {
      answer(res, 405, 'POST only');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_MAX) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > BODY_MAX) {
        answer(res, 413, `body over ${BODY_MAX} bytes`);
        return;
      }
      const taking = this.take(req, Buffer.concat(chunks), res);
      this.storing.add(taking);
      void taking.finally(() => this.storing.delete(taking));
    });
  }

  private async take(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const { link, options, logger } = this.deps;
    const handlers = this.deps.handlers();
    if (!handlers || link.closing()) {
      answer(res, 503, 'link not running');
      return;
    }
    const check = checkCallback(
      options.secret,
      { timestamp: header(req, 'x-sms12333-timestamp'), signature: header(req, 'x-sms12333-signature') },
      body,
      link.now(),
      options.maxSkewSeconds,
    );
    if (check !== 'ok') {
      link.counters.errors++;
      logger.warn(
        { gateway: link.config.id, check, from: req.socket.remoteAddress },
        '部级平台推送签名无效或已过期 ministry callback refused',
      );
      answer(res, 401, check);
      return;
    }
    let callback: { appName?: unknown; reports?: unknown; replies?: unknown };
    try {
      callback = JSON.parse(body.toString('utf8')) as typeof callback;
    } catch {
      answer(res, 400, 'not JSON');
      return;
    }
    if (callback.appName !== link.config.account) {
      answer(res, 400, `not a callback for account ${link.config.account}`);
      return;
    }
    const reports = Array.isArray(callback.reports) ? (callback.reports as Record<string, unknown>[]) : null;
    const replies = Array.isArray(callback.replies) ? (callback.replies as Record<string, unknown>[]) : null;
    if (!reports && !replies) {
      answer(res, 400, 'neither reports nor replies');
      return;
    }
    try {
      if (reports) await storeReports(link, handlers, reports);
      if (replies) await storeReplies(link, handlers, replies);
    } catch (err) {
      link.counters.errors++;
      logger.error({ err, gateway: link.config.id }, '部级平台推送未能保存 ministry callback not stored');
      answer(res, 500, 'not stored');
      return;
    }
    this.deps.heard();
    res.writeHead(204).end();
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function answer(res: http.ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
}
