/**
 * The first checks of every interface call, in Appendix A order: -1 (a credential or a field the
 * call requires is missing), 6 (account), 5 (the account's address whitelist and/or its registered
 * client certificate, by its `auth` mode), 8 (password, with the lock).
 */
import { TLSSocket } from 'node:tls';
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
  const { app } = found;
  // Code 5 covers both ways an account proves where it calls from (standard §8.2 e).
  if (app.authMode !== 'certificate' && !credentials.ipAllowed(found.blocks, request.ip))
    return fail('IP', `来源地址 ${request.ip} 不在白名单内`);
  const presented = clientCertificate(request);
  if (app.authMode !== 'whitelist') {
    if (presented === null)
      return fail('IP', '该账户须使用其登记的客户端证书访问 (a client certificate is required)');
    if (presented !== app.certFingerprint)
      return fail('IP', await certificateRefusal(credentials, presented));
  } else if (presented !== null && presented !== app.certFingerprint) {
    // Whitelist accounts ignore certificates, except one registered to another account.
    if (app.certFingerprint !== null || (await credentials.certificateOwner(presented)) !== null)
      return fail('IP', await certificateRefusal(credentials, presented));
  }
  const verdict = await credentials.checkPassword(app, password, request.ip);
  if (!verdict.ok) {
    if (verdict.lockedUntil !== null)
      return fail('PASSWORD', `错误次数过多，已锁定至 ${formatBeijing(verdict.lockedUntil, 'HH:mm:ss')}`);
    return fail('PASSWORD');
  }
  return app;
}

/** The SHA-256 fingerprint of the verified client certificate on this connection, or null. */
function clientCertificate(request: FastifyRequest): string | null {
  const socket = request.raw.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  return cert.fingerprint256 || null;
}

async function certificateRefusal(credentials: Credentials, presented: string): Promise<string> {
  const owner = await credentials.certificateOwner(presented);
  return owner !== null
    ? '客户端证书属于其他账户，不能用于本账户 (the client certificate is registered to another account)'
    : '客户端证书未登记到本账户 (the client certificate is not the one registered to this account)';
}
