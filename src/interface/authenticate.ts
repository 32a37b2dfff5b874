/**
 * The first checks of every interface call, in Appendix A order: -1 (a credential or a field the
 * call requires is missing), 6 (account), 5 (whitelist), 8 (password, with the lock).
 */
import type { FastifyRequest } from 'fastify';
import { formatBeijing } from '../domain/beijing-time.js';
import type { AppRecord } from '../store/apps.js';
import { fail } from '../domain/result-codes.js';
import type { Credentials } from './credentials.js';
import { required, type Body } from '../domain/send-request.js';

/** `more` checks the call's own required fields, after the credentials' and before the account. */
export async function authenticateApp(
  credentials: Credentials,
  request: FastifyRequest,
  body: Body,
  more: () => void = () => undefined,
): Promise<AppRecord> {
  const appName = required(body, 'appName');
  const password = required(body, 'password');
  more();
  const found = await credentials.findApp(appName);
  if (found?.app.status !== 'active') return fail('APP');
  if (!credentials.ipAllowed(found.blocks, request.ip))
    return fail('IP', `来源地址 ${request.ip} 不在白名单内`);
  const verdict = await credentials.checkPassword(found.app, password, request.ip);
  if (!verdict.ok) {
    if (verdict.lockedUntil !== null)
      return fail('PASSWORD', `错误次数过多，已锁定至 ${formatBeijing(verdict.lockedUntil, 'HH:mm:ss')}`);
    return fail('PASSWORD');
  }
  return found.app;
}
