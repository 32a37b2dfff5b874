/**
 * Console users and sessions for tests: users are created the way `sms12333 user add` stores them,
 * but with a password the test knows, already changed (so no forced first step) unless asked.
 * `consoleLogin` logs in — over the real listener at a URL, or through Fastify's `inject()` when given
 * the console's app (no socket) — and returns a client that sends the cookie and the CSRF header as
 * the browser does.
 */
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../src/security/passwords.js';
import { newTotpSecret, totpAt } from '../../src/security/totp.js';
import { insertUser, setTotpSecret } from '../../src/store/console-users.js';
import type { ConsoleRole } from '../../src/domain/console-roles.js';
import type { Platform } from '../../src/app/platform.js';

export const CONSOLE_PASSWORD = 'Console-Pa55';

export interface TestConsoleUser {
  username: string;
  password: string;
  /** Base32 TOTP secret, when one is enrolled. */
  totpSecret: string | null;
}

export async function addConsoleUser(
  platform: Platform,
  username: string,
  roles: ConsoleRole[],
  options: { password?: string; mustChangePassword?: boolean; totp?: boolean } = {},
): Promise<TestConsoleUser> {
  const password = options.password ?? CONSOLE_PASSWORD;
  const now = Date.now();
  const user = await insertUser(
    platform.handle.db,
    platform.ids,
    {
      username,
      passwordHash: await hashPassword(password),
      roles,
      mustChangePassword: options.mustChangePassword ?? false,
    },
    now,
  );
  if (!user) throw new Error(`console user ${username} exists`);
  let totpSecret: string | null = null;
  if (options.totp === true) {
    totpSecret = newTotpSecret();
    await setTotpSecret(platform.handle.db, user.id, platform.citizens.cipher.encrypt(totpSecret), now);
  }
  return { username, password, totpSecret };
}

export function totpNow(secret: string): string {
  return totpAt(secret, Date.now());
}

/* eslint-disable @typescript-eslint/no-unnecessary-type-parameters -- the caller names the JSON shape it expects, as with fetch().json() */
export interface ConsoleClient {
  csrfToken: string;
  cookie: string;
  get<T = Record<string, unknown>>(path: string): Promise<{ status: number; json: T }>;
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<{ status: number; json: T }>;
  put<T = Record<string, unknown>>(path: string, body?: unknown): Promise<{ status: number; json: T }>;
  delete<T = Record<string, unknown>>(path: string): Promise<{ status: number; json: T }>;
  /** A raw response, e.g. for a CSV download. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}
/* eslint-enable @typescript-eslint/no-unnecessary-type-parameters */

/** A fetch() over the listener at a URL or, given the app, over `inject()`. */
function transportOf(
  target: string | FastifyInstance,
): (url: string, init?: RequestInit) => Promise<Response> {
  if (typeof target === 'string') return (url, init) => fetch(`${target}${url}`, init);
  return async (url, init = {}) => {
    const res = await target.inject({
      method: (init.method ?? 'GET') as 'GET',
      url,
      headers: (init.headers ?? {}) as Record<string, string>,
      ...(typeof init.body === 'string' && { payload: init.body }),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    return new Response(res.statusCode === 204 ? null : res.rawPayload, { status: res.statusCode, headers });
  };
}

/**
 * Logs in at `target` — the console's http://host:port, or its Fastify app (`platform.consoleApp`)
 * to call it through `inject()` — and returns a client for /console/api/<path>.
 */
export async function consoleLogin(
  target: string | FastifyInstance,
  user: TestConsoleUser,
): Promise<ConsoleClient> {
  const send = transportOf(target);
  const res = await send('/console/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: user.username,
      password: user.password,
      ...(user.totpSecret !== null && { totp: totpNow(user.totpSecret) }),
    }),
  });
  if (res.status !== 200) throw new Error(`login ${user.username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const raw = (path: string, init: RequestInit = {}) =>
    send(`/console/api/${path}`, {
      ...init,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(init.headers as Record<string, string> | undefined) },
    });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as above
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await raw(path, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    });
    const text = await response.text();
    return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as T };
  };
  return {
    csrfToken,
    cookie,
    get: (path) => call('GET', path),
    post: (path, body = {}) => call('POST', path, body),
    put: (path, body = {}) => call('PUT', path, body),
    delete: (path) => call('DELETE', path),
    fetch: raw,
  };
}
