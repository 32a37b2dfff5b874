/**
 * Surveys through the interface (§7.4): a business system named in `citizen.surveyApps` creates a
 * survey, sends its first question to up to `interface.maxMobiles` numbers per call, reads the live
 * counts or the CSV export, and closes it. Each account sees only the surveys it created. Codes as
 * in Appendix A: -1, 6 (unknown account, or one not allowed surveys), 5, 8, then 2 for bad fields.
 */
import type { FastifyInstance } from 'fastify';
import { surveyCsvText, surveyResults } from '../citizen/survey-results.js';
import type { Surveys } from '../citizen/surveys.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { isAppError } from '../shared/errors.js';
import type { AppRecord } from '../store/apps.js';
import { findSurvey, type SurveyRecord } from '../store/surveys.js';
import { authenticateApp } from './authenticate.js';
import { fail, result } from '../domain/result-codes.js';
import type { Credentials } from './credentials.js';
import { asBody, hasMobiles, parseMobiles, required, text, type Body } from '../domain/send-request.js';

export interface SurveyRouteDeps {
  credentials: Credentials;
  surveys: Surveys;
  /** Account names allowed to use the survey calls. */
  surveyApps: readonly string[];
  maxMobiles: number;
  now?: () => number;
}

const iso = (ms: number): string => `${formatBeijing(ms, 'yyyy-MM-ddTHH:mm:ss')}+08:00`;
const owner = (app: AppRecord): string => `app:${app.name}`;

export function registerSurveyRoutes(app: FastifyInstance, deps: SurveyRouteDeps): void {
  const now = deps.now ?? Date.now;
  const db = deps.surveys.handle.db;

  const allowed = (account: AppRecord): AppRecord =>
    deps.surveyApps.includes(account.name)
      ? account
      : fail('APP', '该账户无权发起调查 (not a survey account)');

  /** The caller's own survey by `surveyId`, or code 2. */
  const ownSurvey = async (body: Body, account: AppRecord): Promise<SurveyRecord> => {
    const raw = required(body, 'surveyId');
    const survey = /^\d{1,12}$/.test(raw) ? await findSurvey(db, Number(raw)) : null;
    if (survey?.createdBy !== owner(account)) return fail('FORMAT', `surveyId ${raw} 不存在`, 'surveyId');
    return survey;
  };

  app.post('/api/survey/create', async (request) => {
    const body = asBody(request.body);
    const account = allowed(
      await authenticateApp(deps.credentials, request, body, () => {
        required(body, 'name');
        if (body.questions === undefined || body.questions === '')
          fail('MISSING', '缺少 questions', 'questions');
      }),
    );
    let questions: unknown = body.questions;
    // A form carries the questions as JSON text.
    if (typeof questions === 'string') {
      try {
        questions = JSON.parse(questions);
      } catch {
        return fail('FORMAT', 'questions 应为 JSON 数组', 'questions');
      }
    }
    try {
      const { survey, warnings } = await deps.surveys.create(
        {
          name: body.name,
          intro: body.intro,
          thanks: body.thanks,
          opensAt: text(body, 'opensAt'),
          closesAt: text(body, 'closesAt'),
          questions,
        },
        owner(account),
      );
      return result('OK', undefined, {
        surveyId: survey.id,
        extCode: survey.extCode,
        status: survey.status,
        opensTime: iso(survey.opensAt),
        closesTime: iso(survey.closesAt),
        warnings,
      });
    } catch (err) {
      if (isAppError(err, 'ERR_INPUT_INVALID')) return fail('FORMAT', err.detail ?? err.zh);
      throw err;
    }
  });

  app.post('/api/survey/send', async (request) => {
    const body = asBody(request.body);
    const account = allowed(
      await authenticateApp(deps.credentials, request, body, () => {
        required(body, 'surveyId');
        if (!hasMobiles(body)) fail('MISSING', '缺少 mobiles', 'mobiles');
      }),
    );
    const survey = await ownSurvey(body, account);
    const mobiles = parseMobiles(body, deps.maxMobiles);
    try {
      const sent = await deps.surveys.send(survey.id, mobiles);
      return result('OK', undefined, {
        surveyId: survey.id,
        queued: sent.queued,
        blocked: sent.blocked,
        already: sent.already,
        sendTime: iso(sent.sendAt),
      });
    } catch (err) {
      if (isAppError(err, 'ERR_INPUT_INVALID')) return fail('FORMAT', err.detail ?? err.zh, 'surveyId');
      throw err;
    }
  });

  app.post('/api/survey/results', async (request, reply) => {
    const body = asBody(request.body);
    const account = allowed(
      await authenticateApp(deps.credentials, request, body, () => required(body, 'surveyId')),
    );
    const survey = await ownSurvey(body, account);
    const format = text(body, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv') return fail('FORMAT', 'format 只能是 json 或 csv', 'format');
    if (format === 'csv') {
      const csv = await surveyCsvText(deps.surveys.handle, survey, {
        unmasked: text(body, 'unmasked') === '1',
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="survey-${survey.id}.csv"`)
        .send(csv);
    }
    const results = await surveyResults(deps.surveys.handle, survey.id, now());
    if (!results) return fail('FORMAT', `surveyId ${survey.id} 不存在`, 'surveyId');
    const { opensAt, closesAt, ...rest } = results;
    return result('OK', undefined, { ...rest, opensTime: iso(opensAt), closesTime: iso(closesAt) });
  });

  app.post('/api/survey/close', async (request) => {
    const body = asBody(request.body);
    const account = allowed(
      await authenticateApp(deps.credentials, request, body, () => required(body, 'surveyId')),
    );
    const survey = await ownSurvey(body, account);
    const closed = await deps.surveys.close(survey.id);
    return result('OK', undefined, { surveyId: survey.id, changed: closed?.changed ?? false });
  });
}
