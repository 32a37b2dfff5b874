/**
 * Reading a Send page request (preview and submit take the same body): the account, the recipients
 * (pasted and/or a batch file), the content (an approved template or free text), `islong` and the
 * schedule — with the interface's own rules wherever the interface has one (signature, sendTime).
 */
import { readBatchFile, type BatchFile } from './batch-file.js';
import type { SendBody } from './contract/send.js';
import type { ConsoleServices } from './context.js';
import { consoleError } from './errors.js';
import { planSend, type SendPlan } from './send-plan.js';
import { ResultError } from '../domain/result-codes.js';
import { parseSendTime, stripOwnSignature } from '../domain/send-request.js';
import type { DatabaseHandle } from '../store/connect.js';
import { findAppById, type AppRecord } from '../store/apps.js';
import { SERVICE_APP_ID } from '../store/citizens.js';
import { findTemplate } from '../store/templates.js';

export interface ResolvedSend {
  app: AppRecord;
  plan: SendPlan;
  /** The template's or the typed text, signature removed, variables unfilled. */
  content: string;
  sendAt: number | null;
  templateId: number | null;
  file: BatchFile | null;
  fileName: string | null;
}

/** A rule the interface states as an Appendix A code, answered the console's way. */
function interfaceRule<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ResultError) throw consoleError('INVALID', err.body.msg, { field: err.body.field });
    throw err;
  }
}

export async function resolveSend(
  handle: DatabaseHandle,
  services: ConsoleServices,
  body: SendBody,
  now: number,
): Promise<ResolvedSend> {
  const { config, router } = services;
  const stored = body.appId === SERVICE_APP_ID ? null : await findAppById(handle.db, body.appId);
  if (stored?.status !== 'active') throw consoleError('SEND_APP_UNAVAILABLE');
  // An account without a signature sends under the platform's, as on the interface (standard §6.1;
  // docs/security.md §4): nothing leaves unsigned.
  const app: AppRecord = { ...stored, signature: stored.signature || config.citizen.signature };

  let content = body.content ?? '';
  let templateId: number | null = null;
  if (body.templateId !== undefined) {
    const template = await findTemplate(handle.db, body.templateId);
    if (!template || (template.appId !== null && template.appId !== app.id))
      throw consoleError('TEMPLATE_NOT_FOUND');
    if (template.status !== 'approved') throw consoleError('TEMPLATE_NOT_APPROVED');
    content = template.content;
    templateId = template.id;
  }
  content = interfaceRule(() => stripOwnSignature(content, app.signature));

  const sendAt = interfaceRule(() =>
    parseSendTime(body.sendTime ?? undefined, now, config.sending.maxScheduleDays),
  );
  const file = body.file ? await readBatchFile(body.file.name, body.file.data) : null;
  const plan = planSend(
    {
      app,
      content,
      params: body.params ?? {},
      islong: body.islong === true,
      pasted: body.mobiles ?? null,
      file,
    },
    {
      maxSegments: config.sending.maxSegments,
      profilesFor: (c) => router.profilesFor(c),
      homeOf: (m) => router.homeOf(m),
    },
  );
  return { app, plan, content, sendAt, templateId, file, fileName: body.file?.name ?? null };
}
