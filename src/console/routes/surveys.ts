/**
 * Surveys for operators (§7.4): the list with each survey's phase and counts; create
 * (validated by citizen/survey-rules.ts, as the CLI and the interface do); send to pasted numbers
 * or an uploaded file in the background with progress (surveys-send.ts); live results (counts per
 * option, answer rate); the CSV export (citizen/survey-results.ts: BOM, masked numbers,
 * formula-safe cells); close. Create, send and close are operation entries in the audit log, the
 * export a data entry.
 */
import { Readable } from 'node:stream';
import { surveyCsv, surveyResults } from '../../citizen/survey-results.js';
import { surveyPhase } from '../../citizen/survey-rules.js';
import { isAppError } from '../../shared/errors.js';
import { listSurveys } from '../../store/survey-results.js';
import { findSurvey } from '../../store/surveys.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import {
  surveyClosed,
  surveyCreate,
  surveyCreated,
  surveyIdParams,
  surveyResults as surveyResultsAnswer,
  surveySendAnswer,
  surveysAnswer,
  surveyTargets,
  type SurveyClosed,
  type SurveyCreate,
  type SurveyCreated,
  type SurveyIdParams,
  type SurveyResults,
  type SurveySendAnswer,
  type SurveysAnswer,
  type SurveyTargets,
} from '../contract/surveys.js';
import { readTargets, SurveySendJobs } from './surveys-send.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const ratio = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 1000) / 1000);

export const surveysRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const manage = ctx.allow('survey.manage');
  const surveys = () => ctx.services().citizens.surveys;
  const jobs = new SurveySendJobs(surveys, ctx.deps.logger, () => ctx.now());

  const existing = async (id: number) => {
    const survey = await findSurvey(db, id);
    if (!survey) throw consoleError('SURVEY_NOT_FOUND');
    return survey;
  };

  const idParams = requestSchema(surveyIdParams);

  app.get(
    '/console/api/surveys',
    { preHandler: manage, config: { quietAudit: true }, schema: { response: responseSchema(surveysAnswer) } },
    async (): Promise<SurveysAnswer> => {
      const now = ctx.now();
      return {
        surveys: (await listSurveys(db)).map(({ survey: s, targets }) => {
          const total = Object.values(targets).reduce((a, b) => a + b, 0);
          const sent = total - (targets.blocked ?? 0);
          const responded = (targets.answering ?? 0) + (targets.done ?? 0);
          return {
            id: s.id,
            name: s.name,
            extCode: s.extCode,
            phase: surveyPhase(s, now),
            questionCount: s.questionCount,
            opensAt: iso(s.opensAt),
            closesAt: iso(s.closesAt),
            createdBy: s.createdBy,
            createdAt: iso(s.createdAt),
            closedAt: s.closedAt === null ? null : iso(s.closedAt),
            targets: { total, sent, blocked: targets.blocked ?? 0, responded, done: targets.done ?? 0 },
            answerRate: ratio(responded, sent),
            sending: jobs.get(s.id)?.state === 'running',
          };
        }),
      };
    },
  );

  app.post<{ Body: SurveyCreate }>(
    '/console/api/surveys',
    {
      preHandler: manage,
      schema: { body: requestSchema(surveyCreate), response: responseSchema(surveyCreated) },
    },
    async (request): Promise<SurveyCreated> => {
      const { username } = ctx.current(request).user;
      const body = request.body;
      try {
        const { survey, warnings } = await surveys().create(body, `console:${username}`);
        await ctx.audit(request, {
          kind: 'operation',
          action: 'survey.create',
          target: `survey:${survey.id}`,
          result: 'ok',
          detail: { name: survey.name, extCode: survey.extCode, questions: survey.questions.length },
        });
        return { survey: { id: survey.id, extCode: survey.extCode, status: survey.status }, warnings };
      } catch (err) {
        if (!isAppError(err, 'ERR_INPUT_INVALID')) throw err;
        await ctx.audit(request, {
          kind: 'operation',
          action: 'survey.create',
          result: 'failed',
          detail: { name: body.name, reason: err.detail ?? err.zh },
        });
        throw consoleError('SURVEY_INVALID', err.detail ?? err.zh);
      }
    },
  );

  app.post<{ Params: SurveyIdParams; Body: SurveyTargets }>(
    '/console/api/surveys/:id/send',
    {
      preHandler: manage,
      schema: {
        params: idParams,
        body: requestSchema(surveyTargets),
        response: responseSchema(surveySendAnswer),
      },
    },
    async (request): Promise<SurveySendAnswer> => {
      const survey = await existing(request.params.id);
      if (surveyPhase(survey, ctx.now()) === 'closed') throw consoleError('SURVEY_CLOSED');
      const { entries, source } = await readTargets(request.body);
      const { username } = ctx.current(request).user;
      const services = ctx.services();
      const job = jobs.start(survey.id, entries, username, () => {
        services.wakeDispatcher();
      });
      await ctx.audit(request, {
        kind: 'operation',
        action: 'survey.send',
        target: `survey:${survey.id}`,
        result: 'ok',
        detail: { name: survey.name, numbers: entries.length, source },
      });
      return { job };
    },
  );

  app.get<{ Params: SurveyIdParams }>(
    '/console/api/surveys/:id/send-progress',
    {
      preHandler: manage,
      config: { quietAudit: true },
      schema: { params: idParams, response: responseSchema(surveySendAnswer) },
    },
    async (request): Promise<SurveySendAnswer> => {
      await existing(request.params.id);
      return { job: jobs.get(request.params.id) };
    },
  );

  app.get<{ Params: SurveyIdParams }>(
    '/console/api/surveys/:id/results',
    {
      preHandler: manage,
      config: { quietAudit: true },
      schema: { params: idParams, response: responseSchema(surveyResultsAnswer) },
    },
    async (request): Promise<SurveyResults> => {
      const results = await surveyResults(ctx.deps.handle, request.params.id, ctx.now());
      if (!results) throw consoleError('SURVEY_NOT_FOUND');
      const { targets } = results;
      const sent = targets.total - targets.blocked;
      const responded = targets.answering + targets.completed + targets.endedInvalid;
      return {
        ...results,
        opensAt: iso(results.opensAt),
        closesAt: iso(results.closesAt),
        sent,
        answerRate: ratio(responded, sent),
        completionRate: ratio(targets.completed, sent),
        questions: results.questions.map((q) => ({ ...q, answerRate: ratio(q.answered, sent) })),
      };
    },
  );

  app.get<{ Params: SurveyIdParams }>(
    '/console/api/surveys/:id/export',
    { preHandler: manage, schema: { params: idParams } },
    async (request, reply) => {
      const survey = await existing(request.params.id);
      await ctx.audit(request, {
        kind: 'data',
        action: 'survey.export',
        target: `survey:${survey.id}`,
        result: 'ok',
        detail: { name: survey.name, masked: true },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="survey-${survey.id}.csv"`)
        .send(Readable.from(surveyCsv(ctx.deps.handle, survey, { unmasked: false })));
    },
  );

  app.post<{ Params: SurveyIdParams }>(
    '/console/api/surveys/:id/close',
    { preHandler: manage, schema: { params: idParams, response: responseSchema(surveyClosed) } },
    async (request): Promise<SurveyClosed> => {
      const closed = await surveys().close(request.params.id);
      if (!closed) throw consoleError('SURVEY_NOT_FOUND');
      await ctx.audit(request, {
        kind: 'operation',
        action: 'survey.close',
        target: `survey:${closed.survey.id}`,
        result: 'ok',
        detail: { name: closed.survey.name, changed: closed.changed },
      });
      return { changed: closed.changed, phase: surveyPhase(closed.survey, ctx.now()) };
    },
  );
};
