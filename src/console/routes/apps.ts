/**
 * Business-system accounts (Appendix A's appName) for `app.manage`: the same rules as
 * `sms12333 app add` (src/cli/app.ts). The access password is generated here and shown once; only
 * its argon2id hash is kept. The interface's credential cache lives one second, so a freeze or a
 * new password takes effect there within a second.
 */
import { randomInt } from 'node:crypto';
import { checkCallbackUrl } from '../../domain/callback-url.js';
import { parseCidrList } from '../../domain/cidr.js';
import { provinceCodeOf } from '../../domain/phone-data.js';
import { generateCallbackSecret } from '../../pipeline/callbacks.js';
import { findAppById } from '../../store/apps.js';
import { setCallbackSecret, startCallbackCursor } from '../../store/callbacks.js';
import { hashPassword } from '../../security/passwords.js';
import {
  createConsoleApp,
  editConsoleApp,
  listConsoleApps,
  setConsoleAppPassword,
  setConsoleAppStatus,
  topUpConsoleApp,
  type AppFields,
  type ConsoleApp,
} from '../../store/console-apps.js';
import {
  appCreate,
  appFields,
  appIdParams,
  appSaved,
  appsAnswer,
  appStatusAnswer,
  appStatusBody,
  passwordAnswer,
  topUpAnswer,
  topUpBody,
  type AppCreate,
  type AppFieldsBody,
  type AppIdParams,
  type AppSaved,
  type AppsAnswer,
  type AppStatusBody,
  type PasswordAnswer,
  type TopUpAnswer,
  type TopUpBody,
} from '../contract/apps.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 16 characters without look-alikes (0/O, 1/l/I): about 93 bits. */
function generatePassword(): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += PASSWORD_ALPHABET.charAt(randomInt(PASSWORD_ALPHABET.length));
  return out;
}

function beijingDayStart(now: number): number {
  return Math.floor((now + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
}

function callbackUrl(text: string | undefined, field: string): string | null {
  const checked = checkCallbackUrl(text);
  if ('error' in checked) throw consoleError('APP_INVALID', `${field}：${checked.error}`, { field });
  return checked.url;
}

/** Summary for the audit log: no password, nothing personal. */
function auditView(app: ConsoleApp): Record<string, unknown> {
  return {
    signature: app.signature,
    extCode: app.extCode,
    ipWhitelist: app.ipWhitelist,
    reportUrl: app.reportUrl,
    replyUrl: app.replyUrl,
    province: app.province,
  };
}

export const appsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('app.manage');

  /** Validates the editable fields as `sms12333 app add` does. */
  const checkFields = (body: AppFieldsBody): AppFields => {
    const signature = (body.signature ?? '').trim();
    if (signature !== '' && !/^【[^【】]{1,20}】$/.test(signature))
      throw consoleError('APP_INVALID', '签名形如【人社局】，括号内 1–20 个字符', { field: 'signature' });
    const extCode = (body.extCode ?? '').trim();
    if (!/^\d{0,8}$/.test(extCode))
      throw consoleError('APP_INVALID', '扩展码须为至多 8 位数字', { field: 'extCode' });
    const prefix = ctx.services().config.citizen.surveyExtPrefix;
    if (extCode !== '' && extCode.startsWith(prefix))
      throw consoleError('APP_INVALID', `以 ${prefix} 开头的扩展码留给满意度调查，请换一个`, {
        field: 'extCode',
      });
    const { blocks, invalid } = parseCidrList(body.ipWhitelist ?? '');
    if (invalid.length > 0)
      throw consoleError('APP_INVALID', `无效的 IP 地址段：${invalid.join('、')}`, { field: 'ipWhitelist' });
    const provinceText = (body.province ?? '').trim();
    const province = provinceText === '' ? null : provinceCodeOf(provinceText);
    if (provinceText !== '' && province === null)
      throw consoleError('APP_INVALID', '省份须为两位省级行政区划代码，如 21', { field: 'province' });
    return {
      province,
      signature,
      extCode,
      ipWhitelist: blocks.map((b) => b.text),
      reportUrl: callbackUrl(body.reportUrl, 'reportUrl'),
      replyUrl: callbackUrl(body.replyUrl, 'replyUrl'),
    };
  };
  /** An account with a callback address and no secret gets one now, returned to be shown once. */
  const ensureCallbackSecret = async (id: number): Promise<string | null> => {
    const record = await findAppById(db, id);
    if (!record || record.callbackSecretEnc !== null) return null;
    if (record.reportUrl === null && record.replyUrl === null) return null;
    const secret = generateCallbackSecret();
    await setCallbackSecret(db, id, ctx.deps.cipher.encrypt(secret), ctx.now());
    return secret;
  };
  const idParams = requestSchema(appIdParams);

  app.get(
    '/console/api/apps',
    { preHandler: guard, schema: { response: responseSchema(appsAnswer) } },
    async (): Promise<AppsAnswer> => ({
      apps: await listConsoleApps(db, beijingDayStart(ctx.now())),
      surveyExtPrefix: ctx.services().config.citizen.surveyExtPrefix,
    }),
  );

  app.post<{ Body: AppCreate }>(
    '/console/api/apps',
    {
      preHandler: guard,
      schema: { body: requestSchema(appCreate), response: responseSchema(appSaved) },
    },
    async (request): Promise<AppSaved> => {
      const name = request.body.name.trim();
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
        throw consoleError('APP_INVALID', '账户名须为 1–64 个字母、数字或 _ . -', { field: 'name' });
      const fields = checkFields(request.body);
      const password = generatePassword();
      const outcome = await createConsoleApp(
        db,
        ctx.services().ids,
        { ...fields, name, balance: request.body.balance ?? 0, passwordHash: await hashPassword(password) },
        ctx.now(),
      );
      if (!outcome.ok) {
        await ctx.audit(request, { kind: 'data', action: 'app.create', target: name, result: 'failed' });
        if (outcome.reason === 'name-taken') throw consoleError('APP_EXISTS');
        throw consoleError('APP_EXT_TAKEN', `扩展码已被账户 ${outcome.owner} 使用`);
      }
      const callbackSecret = await ensureCallbackSecret(outcome.app.id);
      await ctx.audit(request, {
        kind: 'data',
        action: 'app.create',
        target: name,
        result: 'ok',
        detail: { ...auditView(outcome.app), balance: outcome.app.balance },
      });
      return { app: outcome.app, password, ...(callbackSecret !== null && { callbackSecret }) };
    },
  );

  app.put<{ Params: AppIdParams; Body: AppFieldsBody }>(
    '/console/api/apps/:id',
    {
      preHandler: guard,
      schema: { params: idParams, body: requestSchema(appFields), response: responseSchema(appSaved) },
    },
    async (request): Promise<AppSaved> => {
      const fields = checkFields(request.body);
      const outcome = await editConsoleApp(db, request.params.id, fields, ctx.now());
      if (!outcome.ok) {
        if (outcome.reason === 'not-found') throw consoleError('APP_NOT_FOUND');
        throw consoleError('APP_EXT_TAKEN', `扩展码已被账户 ${outcome.owner} 使用`);
      }
      // An address switched on starts after what the account's feed already holds.
      if (outcome.before.reportUrl === null && outcome.after.reportUrl !== null)
        await startCallbackCursor(db, outcome.after.id, 'report');
      if (outcome.before.replyUrl === null && outcome.after.replyUrl !== null)
        await startCallbackCursor(db, outcome.after.id, 'reply');
      const callbackSecret = await ensureCallbackSecret(outcome.after.id);
      await ctx.audit(request, {
        kind: 'data',
        action: 'app.edit',
        target: outcome.after.name,
        result: 'ok',
        detail: { before: auditView(outcome.before), after: auditView(outcome.after) },
      });
      return { app: outcome.after, ...(callbackSecret !== null && { callbackSecret }) };
    },
  );

  app.post<{ Params: AppIdParams; Body: AppStatusBody }>(
    '/console/api/apps/:id/status',
    {
      preHandler: guard,
      schema: {
        params: idParams,
        body: requestSchema(appStatusBody),
        response: responseSchema(appStatusAnswer),
      },
    },
    async (request) => {
      const changed = await setConsoleAppStatus(db, request.params.id, request.body.status, ctx.now());
      if (!changed) throw consoleError('APP_NOT_FOUND');
      const action =
        request.body.status === 'active'
          ? 'app.unfreeze'
          : request.body.status === 'frozen'
            ? 'app.freeze'
            : 'app.disable';
      await ctx.audit(request, {
        kind: 'operation',
        action,
        target: changed.app.name,
        result: 'ok',
        detail: { before: changed.before, after: request.body.status },
      });
      return { app: changed.app };
    },
  );

  app.post<{ Params: AppIdParams; Body: TopUpBody }>(
    '/console/api/apps/:id/top-up',
    {
      preHandler: guard,
      schema: { params: idParams, body: requestSchema(topUpBody), response: responseSchema(topUpAnswer) },
    },
    async (request): Promise<TopUpAnswer> => {
      const done = await topUpConsoleApp(db, request.params.id, request.body.segments, ctx.now());
      if (!done) throw consoleError('APP_NOT_FOUND');
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.top-up',
        target: done.name,
        result: 'ok',
        detail: {
          segments: request.body.segments,
          before: done.before,
          after: done.after,
          ...(request.body.note && { note: request.body.note }),
        },
      });
      return { balance: done.after, before: done.before };
    },
  );

  app.post<{ Params: AppIdParams }>(
    '/console/api/apps/:id/reset-password',
    { preHandler: guard, schema: { params: idParams, response: responseSchema(passwordAnswer) } },
    async (request): Promise<PasswordAnswer> => {
      const password = generatePassword();
      const name = await setConsoleAppPassword(
        db,
        request.params.id,
        await hashPassword(password),
        ctx.now(),
      );
      if (name === null) throw consoleError('APP_NOT_FOUND');
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.reset-password',
        target: name,
        result: 'ok',
      });
      return { password };
    },
  );
};
