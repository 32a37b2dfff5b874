/**
 * `sms12333 survey create|send|close|results` (§7.4) for operators until the console has its page.
 * Sending queues the first questions in the database; a running platform sends them and answers
 * the replies.
 *
 * survey.json (UTF-8; times Beijing `yyyy-MM-dd HH:mm[:ss]` or ISO 8601 with an offset):
 *   { "name": "社保服务满意度调查", "intro": "您好，", "thanks": "感谢您的参与！",
 *     "opensAt": "2026-12-01 09:00", "closesAt": "2026-12-08 18:00",
 *     "questions": [
 *       { "text": "您对办理结果是否满意？", "options": ["满意", "基本满意", "不满意"] },
 *       { "text": "是否愿意接受回访？", "options": [{ "code": "A", "label": "是" }, { "code": "B", "label": "否" }] } ] }
 * Bare labels are numbered 1, 2, 3…; intro, thanks and the times are optional (now, 7 days).
 */
import { sendingRulesFrom } from '../pipeline/admission.js';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { configuredRoutes } from '../citizen/outgoing.js';
import { surveyCsv, surveyResults } from '../citizen/survey-results.js';
import { Surveys } from '../citizen/surveys.js';
import { loadConfig } from '../config/load.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { AppError } from '../shared/errors.js';
import { openDatabase } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { findSurvey } from '../store/surveys.js';
import { int, need, parse } from './args.js';

const USAGE =
  'sms12333 survey create --file survey.json [--config FILE]\n' +
  '       sms12333 survey send --id N --mobiles-file FILE [--config FILE]\n' +
  '       sms12333 survey close --id N [--config FILE]\n' +
  '       sms12333 survey results --id N [--csv FILE] [--unmasked] [--config FILE]';

const ACTIONS = ['create', 'send', 'close', 'results'] as const;
const time = (ms: number): string => formatBeijing(ms, 'yyyy-MM-dd HH:mm');
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function readJson(path: string): Promise<unknown> {
  const raw = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new AppError('ERR_INPUT_INVALID', `${path}: 不是合法的 JSON (${(err as Error).message})`);
  }
}

/** Numbers one a line, or separated by commas; a header such as `mobile` is skipped as invalid. */
async function readMobiles(path: string): Promise<string[]> {
  const raw = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  return raw
    .split(/[\r\n,，;；]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export async function runSurvey(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      config: { type: 'string' },
      file: { type: 'string' },
      id: { type: 'string' },
      'mobiles-file': { type: 'string' },
      csv: { type: 'string' },
      unmasked: { type: 'boolean' },
    },
    USAGE,
  );
  const action = positionals[0];
  if (!(ACTIONS as readonly (string | undefined)[]).includes(action))
    throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const config = loadConfig({ file: values.config });
  const handle = await openDatabase(config.database.url);
  try {
    const surveys = new Surveys({
      handle,
      ids: new IdAllocator(handle.db, 1000),
      router: configuredRoutes(config),
      settings: {
        signature: config.citizen.signature,
        extPrefix: config.citizen.surveyExtPrefix,
        maxSegments: config.sending.maxSegments,
      },
      rules: sendingRulesFrom(config.sending),
      now: Date.now,
    });
    if (action === 'create') {
      const { survey, warnings } = await surveys.create(await readJson(need(values.file, 'file')), 'cli');
      out(`已创建调查 survey created: ${survey.id} ${survey.name}`);
      out(
        `  回复号码 ext code: ${survey.extCode}  有效期 window: ${time(survey.opensAt)} – ${time(survey.closesAt)}`,
      );
      out(
        `  ${survey.questions.length} 题 questions; 发送 send: sms12333 survey send --id ${survey.id} --mobiles-file FILE`,
      );
      for (const w of warnings) out(`  注意 warning: ${w}`);
      return 0;
    }
    const id = int(values.id, 'id');
    if (action === 'send') {
      const mobiles = await readMobiles(need(values['mobiles-file'], 'mobiles-file'));
      const sent = await surveys.send(id, mobiles, (p) => {
        process.stderr.write(
          `  ${p.done}/${p.total} 已处理 done (排队 queued ${p.queued}, 拦截 blocked ${p.blocked})\n`,
        );
      });
      out(
        `调查 ${id}: 排队 queued ${sent.queued}, 拦截(退订/黑名单/无路由) blocked ${sent.blocked}, ` +
          `此前已发 already ${sent.already}, 号码无效 invalid ${sent.invalid.length}; 发送时间 sends at ${time(sent.sendAt)}`,
      );
      for (const bad of sent.invalid.slice(0, 20)) out(`  无效号码 invalid: ${bad}`);
      return 0;
    }
    if (action === 'close') {
      const closed = await surveys.close(id);
      if (!closed) throw new AppError('ERR_INPUT_INVALID', `调查 ${id} 不存在 (no such survey)`);
      out(`调查 ${id} ${closed.changed ? '已结束 closed' : '此前已结束 was closed already'}`);
      return 0;
    }
    const results = await surveyResults(handle, id, Date.now());
    const survey = await findSurvey(handle.db, id);
    if (!results || !survey) throw new AppError('ERR_INPUT_INVALID', `调查 ${id} 不存在 (no such survey)`);
    const t = results.targets;
    out(`调查 ${results.id} ${results.name} [${results.phase}] 回复号码 ext ${results.extCode}`);
    out(`  有效期 window: ${time(results.opensAt)} – ${time(results.closesAt)}`);
    out(
      `  对象 targets ${t.total}: 未发送 blocked ${t.blocked}, 未答复 pending ${t.pending}, 答复中 answering ${t.answering}, ` +
        `已完成 completed ${t.completed}, 答复无效结束 ended invalid ${t.endedInvalid}`,
    );
    for (const q of results.questions) {
      out(`  ${q.number}. ${q.text} (有效 ${q.answered}, 无效 ${q.invalid})`);
      for (const o of q.options) out(`     ${o.code} ${o.label}: ${o.count}`);
    }
    if (values.csv !== undefined) {
      const file = createWriteStream(values.csv);
      await once(file, 'open');
      for await (const chunk of surveyCsv(handle, survey, { unmasked: values.unmasked === true }))
        if (!file.write(chunk)) await once(file, 'drain');
      file.end();
      await once(file, 'finish');
      out(
        `  已导出 exported: ${values.csv}${values.unmasked ? '' : ' (手机号已脱敏 masked; --unmasked 导出完整号码)'}`,
      );
    }
    return 0;
  } finally {
    await handle.close();
  }
}
