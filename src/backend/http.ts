/**
 * A provincial core system as the business backend, over HTTPS/JSON (config `backend.http`).
 *
 * Every call is `POST {baseUrl}{path}` with a JSON body (SSNs and passwords never go into a URL,
 * where access logs would keep them) and expects 2xx with a JSON answer:
 *
 * | operation (path key) | request body                   | answer                                               |
 * |----------------------|--------------------------------|------------------------------------------------------|
 * | person               | {ssn}                          | {person: null} or {person: {name, insurances: [{type, status}], pension: {balanceCents, asOf} \| null, extra?: {k: "v"}}} |
 * | verifyPassword       | {ssn, password}                | {result: "ok" \| "wrong" \| "no-person"}             |
 * | changePassword       | {ssn, newPassword}             | {result: "ok" \| "no-person"}                        |
 * | cardLoss             | {ssn, requestNo, mobile}       | {reference: "…"}                                     |
 * | query                | {operation, params}            | {fields: {k: "v"}} or {fields: null}; `{operation}` in the path is replaced |
 *
 * Timeouts, refused or reset connections, TLS failures, non-2xx answers and answers of another
 * shape all raise BackendUnavailableError. Only the reads (person, query) are tried again — up to
 * `retries` more times, after `retryBackoffMs` doubling with jitter — on a timeout, a connection
 * failure, 429 or 5xx; password and card-loss calls may change state at the core and are tried
 * once (except when a kept-alive connection turns out to have been closed before the request went
 * out, which Node reports as ECONNRESET on a reused socket: then nothing reached the server).
 *
 * Mutual TLS: `tls.cert`/`tls.key` are the platform's client certificate, `tls.ca` the CA of the
 * core system's certificate (default: the system's trust store). This module and src/protocols are
 * the only ones that open sockets.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { BackendHttpSettings } from '../config/schema.js';
import { AppError } from '../shared/errors.js';
import { canonicalSsn } from '../security/personal-data.js';
import {
  BackendUnavailableError,
  type BusinessBackend,
  type CardLossRequest,
  type PasswordCheck,
  type PersonSummary,
} from './types.js';

const MAX_ANSWER_BYTES = 1_048_576;

const insurance = z.object({ type: z.string(), status: z.string() });
const personAnswer = z.object({
  person: z
    .object({
      name: z.string().min(1),
      insurances: z.array(insurance),
      pension: z
        .object({
          balanceCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
          asOf: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
        })
        .nullable(),
      extra: z.record(z.string(), z.string()).optional(),
    })
    .nullable(),
});
const verifyAnswer = z.object({ result: z.enum(['ok', 'wrong', 'no-person']) });
const changeAnswer = z.object({ result: z.enum(['ok', 'no-person']) });
const cardLossAnswer = z.object({ reference: z.string().min(1) });
const queryAnswer = z.object({ fields: z.record(z.string(), z.string()).nullable() });

type Operation = keyof BackendHttpSettings['paths'];

function readPem(file: string | undefined, key: string): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new AppError('ERR_CONFIG_FILE', `backend.http.tls.${key} ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function retriable(err: unknown): boolean {
  if (!(err instanceof BackendUnavailableError)) return false;
  if (err.reason === 'timeout' || err.reason === 'connection') return true;
  return err.reason === 'status' && err.status !== undefined && (err.status === 429 || err.status >= 500);
}

export class HttpBackend implements BusinessBackend {
  readonly kind = 'http' as const;
  private readonly agent: http.Agent;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private closed = false;

  constructor(private readonly settings: BackendHttpSettings) {
    this.base = settings.baseUrl.replace(/\/+$/, '');
    const secure = this.base.startsWith('https:');
    const cert = readPem(settings.tls?.cert, 'cert');
    const key = readPem(settings.tls?.key, 'key');
    const ca = readPem(settings.tls?.ca, 'ca');
    this.agent = secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 32,
          ...(cert && { cert }),
          ...(key && { key }),
          ...(ca && { ca }),
        })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.headers = {
      ...settings.headers,
      ...(settings.bearerToken !== undefined && { authorization: `Bearer ${settings.bearerToken}` }),
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
    };
    for (const [name, value] of Object.entries(this.headers)) {
      try {
        http.validateHeaderName(name);
        http.validateHeaderValue(name, value);
      } catch (err) {
        throw new AppError('ERR_CONFIG_INVALID', `backend.http.headers: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
  }

  async findPerson(ssn: string): Promise<PersonSummary | null> {
    const canonical = canonicalSsn(ssn);
    const { person } = await this.call('person', { ssn: canonical }, personAnswer, true);
    if (!person) return null;
    return {
      ssn: canonical,
      name: person.name,
      insurances: person.insurances,
      pension: person.pension,
      extra: person.extra ?? {},
    };
  }

  async verifyServicePassword(ssn: string, password: string): Promise<PasswordCheck> {
    return (await this.call('verifyPassword', { ssn: canonicalSsn(ssn), password }, verifyAnswer, false))
      .result;
  }

  async changeServicePassword(ssn: string, newPassword: string): Promise<'ok' | 'no-person'> {
    return (await this.call('changePassword', { ssn: canonicalSsn(ssn), newPassword }, changeAnswer, false))
      .result;
  }

  async reportCardLoss(request: CardLossRequest): Promise<{ reference: string } | null> {
    if (this.settings.paths.cardLoss === undefined) return null;
    const { reference } = await this.call(
      'cardLoss',
      { ...request, ssn: canonicalSsn(request.ssn) },
      cardLossAnswer,
      false,
    );
    return { reference };
  }

  async query(operation: string, params: Record<string, string>): Promise<Record<string, string> | null> {
    return (await this.call('query', { operation, params }, queryAnswer, true, operation)).fields;
  }

  close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
    return Promise.resolve();
  }

  private async call<T>(
    op: Operation,
    body: unknown,
    schema: z.ZodType<T>,
    idempotent: boolean,
    operation = '',
  ): Promise<T> {
    const path = (this.settings.paths[op] ?? '').replace('{operation}', encodeURIComponent(operation));
    const url = new URL(this.base + path);
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const attempts = idempotent ? this.settings.retries + 1 : 1;
    let pause = this.settings.retryBackoffMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const answer = await this.send(url, payload);
        const parsed = schema.safeParse(answer);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new BackendUnavailableError(
            'malformed',
            `${op}: ${issue ? `${issue.path.join('.') || '(answer)'}: ${issue.message}` : 'unexpected answer'}`,
          );
        }
        return parsed.data;
      } catch (err) {
        if (attempt >= attempts || !retriable(err) || this.closed) throw err;
      }
      await sleep(pause * (0.5 + Math.random() / 2));
      pause *= 2;
    }
  }

  /** One request, retried at once only if it never left on a stale kept-alive connection. */
  private async send(url: URL, payload: Buffer): Promise<unknown> {
    try {
      return await this.request(url, payload);
    } catch (err) {
      if (err instanceof StaleSocketError) return this.request(url, payload);
      throw err;
    }
  }

  private request(url: URL, payload: Buffer): Promise<unknown> {
    if (this.closed) return Promise.reject(new BackendUnavailableError('connection', 'backend closed'));
    const { timeoutMs } = this.settings;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, value?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value);
      };
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.headers, 'content-length': String(payload.length) },
      });
      const timer = setTimeout(() => {
        finish(new BackendUnavailableError('timeout', `${url.pathname}: no answer within ${timeoutMs} ms`));
        req.destroy();
      }, timeoutMs);
      let answered = false;
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (!answered && req.reusedSocket && err.code === 'ECONNRESET') finish(new StaleSocketError());
        else
          finish(
            new BackendUnavailableError('connection', `${url.host}: ${err.code ?? err.message}`, {
              cause: err,
            }),
          );
      });
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            finish(
              new BackendUnavailableError(
                'malformed',
                `${url.pathname}: answer larger than ${MAX_ANSWER_BYTES} bytes`,
              ),
            );
            req.destroy();
          } else chunks.push(chunk);
        });
        res.on('error', (err) =>
          finish(new BackendUnavailableError('connection', `${url.host}: ${err.message}`, { cause: err })),
        );
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            finish(new BackendUnavailableError('status', `${url.pathname}: HTTP ${status}`, { status }));
            return;
          }
          try {
            finish(null, JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            finish(new BackendUnavailableError('malformed', `${url.pathname}: not JSON`, { cause: err }));
          }
        });
      });
      req.end(payload);
    });
  }
}

class StaleSocketError extends Error {}
