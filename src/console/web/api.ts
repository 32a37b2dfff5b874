/**
 * The browser's side of /console/api: JSON in and out, the CSRF token on every state change, and
 * typed errors whose `code` the pages branch on (src/console/errors.ts on the server).
 */
let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Fired when the server says the session is gone (idle timeout, logout elsewhere). */
export const SESSION_LOST = 'sms12333:session-lost';

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/console/api/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as Record<string, unknown>;
    const code = typeof b.code === 'string' ? b.code : `HTTP_${res.status}`;
    if (code === 'UNAUTHENTICATED' && path !== 'me') window.dispatchEvent(new Event(SESSION_LOST));
    throw new ApiError(
      res.status,
      code,
      typeof b.message === 'string' ? b.message : text || res.statusText,
      typeof b.messageEn === 'string' ? b.messageEn : res.statusText,
      b,
    );
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** Reads a File as base64 (without the data: prefix), for uploads inside JSON. */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}
