/**
 * Business-system accounts' integration beside their passwords, for `app.manage`
 * (docs/callbacks.md, docs/sftp.md, docs/console.md "Integration"): every account's push callbacks
 * and client certificate on one page (contract/integration.ts), one account's callbacks, failed
 * callback batches sent again on request (audited) and a new callback secret (shown once). Its SFTP
 * logins and files are in app-sftp.ts.
 */
import { certificateExpiry, CERT_WARN_DAYS } from '../../domain/certificate-expiry.js';
import { generateCallbackSecret } from '../../pipeline/callbacks.js';
import { findAppById } from '../../store/apps.js';
import { requestCallbackRetry } from '../../store/callback-failures.js';
import {
  CALLBACK_KINDS,
  callbackStatus,
  setCallbackSecret,
  type CallbackStatus,
} from '../../store/callbacks.js';
import { listConsoleApps, SERVICE_APP_ID, type ConsoleApp } from '../../store/console-apps.js';
import {
  appIdParams,
  callbackRetry,
  callbackRetryAnswer,
  integrationAnswer,
  type CallbackFeedView,
  type CallbackRetry,
  type CallbackRetryAnswer,
  type CertificateView,
  type IntegrationAnswer,
} from '../contract/integration.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function feedView(f: CallbackStatus): CallbackFeedView {
  return {
    ...f,
    nextAt: iso(f.nextAt),
    failingSince: iso(f.failingSince),
    lastOkAt: iso(f.lastOkAt),
  };
}

function certificateView(app: ConsoleApp, now: number): CertificateView | null {
  if (app.certNotAfter === null) return null;
  return {
    subject: app.certSubject,
    notAfter: new Date(app.certNotAfter).toISOString(),
    ...certificateExpiry(app.certNotAfter, now),
  };
}

export const appIntegrationRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('app.manage');
  const params = { params: requestSchema(appIdParams) };

  const named = async (id: number) => {
    const record = id === SERVICE_APP_ID ? null : await findAppById(db, id);
    if (!record) throw consoleError('APP_NOT_FOUND');
    return record;
  };

  // The page polls this every 10 seconds: quiet in the access log, like the Gateways list.
  app.get(
    '/console/api/integration',
    {
      preHandler: guard,
      config: { quietAudit: true },
      schema: { response: responseSchema(integrationAnswer) },
    },
    async (): Promise<IntegrationAnswer> => {
      const now = ctx.now();
      // Today's message counts are not shown here: counted from `now`, they cost nothing.
      const apps = await listConsoleApps(db, now);
      const secrets = new Set(
        (await db.selectFrom('apps').select('id').where('callback_secret_enc', 'is not', null).execute()).map(
          (r) => r.id,
        ),
      );
      const accounts = [];
      for (const a of apps)
        accounts.push({
          id: a.id,
          name: a.name,
          status: a.status,
          authMode: a.authMode,
          certificate: certificateView(a, now),
          hasSecret: secrets.has(a.id),
          feeds: (await callbackStatus(db, a.id)).map(feedView),
        });
      return { at: new Date(now).toISOString(), certWarnDays: CERT_WARN_DAYS, accounts };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/console/api/apps/:id/callbacks',
    { preHandler: guard, schema: params },
    async (request) => {
      const record = await named(request.params.id);
      return { hasSecret: record.callbackSecretEnc !== null, feeds: await callbackStatus(db, record.id) };
    },
  );

  app.post<{ Params: { id: number }; Body: CallbackRetry }>(
    '/console/api/apps/:id/callbacks/retry',
    {
      preHandler: guard,
      schema: {
        ...params,
        body: requestSchema(callbackRetry),
        response: responseSchema(callbackRetryAnswer),
      },
    },
    async (request): Promise<CallbackRetryAnswer> => {
      const record = await named(request.params.id);
      const kinds = request.body.kind ? [request.body.kind] : CALLBACK_KINDS;
      // The deliverer finds the batches at its next look (`callbacks.pollMs`).
      const done = await requestCallbackRetry(db, record.id, kinds, ctx.now());
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.callback-retry',
        target: record.name,
        result: 'ok',
        detail: { kinds, ...done },
      });
      return done;
    },
  );

  app.post<{ Params: { id: number } }>(
    '/console/api/apps/:id/callback-secret',
    { preHandler: guard, schema: params },
    async (request) => {
      const record = await named(request.params.id);
      const secret = generateCallbackSecret();
      await setCallbackSecret(db, record.id, ctx.deps.cipher.encrypt(secret), ctx.now());
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.callback-secret',
        target: record.name,
        result: 'ok',
      });
      return { callbackSecret: secret };
    },
  );
};
