/**
 * The Surveys page's calls (routes/surveys.ts, routes/surveys-send.ts, web/pages/surveys/): the list,
 * create, a send in the background with its progress, live results, close.
 */
import { z } from 'zod';

export const surveyPhase = z.enum(['draft', 'scheduled', 'open', 'closed']);
export type SurveyPhase = z.infer<typeof surveyPhase>;

export const surveyRow = z.object({
  id: z.number(),
  name: z.string(),
  extCode: z.string(),
  phase: surveyPhase,
  questionCount: z.number(),
  opensAt: z.string(),
  closesAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  targets: z.object({
    total: z.number(),
    sent: z.number(),
    blocked: z.number(),
    responded: z.number(),
    done: z.number(),
  }),
  answerRate: z.number(),
  /** A send of this survey is running in this process. */
  sending: z.boolean(),
});
export type SurveyRow = z.infer<typeof surveyRow>;

/** GET /surveys */
export const surveysAnswer = z.object({ surveys: z.array(surveyRow) });
export type SurveysAnswer = z.infer<typeof surveysAnswer>;

/** POST /surveys. Sizes are checked (and explained) by parseSurveyDefinition; these bounds only stop abuse. */
export const surveyCreate = z
  .object({
    name: z.string().max(200),
    intro: z.string().max(500).optional(),
    thanks: z.string().max(500).optional(),
    opensAt: z.string().max(40).optional(),
    closesAt: z.string().max(40).optional(),
    questions: z
      .array(
        z
          .object({
            text: z.string().max(1000),
            options: z
              .array(z.object({ code: z.string().max(4), label: z.string().max(200) }).strict())
              .max(50),
          })
          .strict(),
      )
      .max(50),
  })
  .strict();
export type SurveyCreate = z.infer<typeof surveyCreate>;
export const surveyCreated = z.object({
  survey: z.object({ id: z.number(), extCode: z.string(), status: z.enum(['draft', 'open', 'closed']) }),
  warnings: z.array(z.string()),
});
export type SurveyCreated = z.infer<typeof surveyCreated>;

export const surveyIdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();
export type SurveyIdParams = z.infer<typeof surveyIdParams>;

/** POST /surveys/:id/send: numbers pasted (one a line, or commas) and/or a .csv/.xlsx with a mobile column. */
export const surveyTargets = z
  .object({
    mobiles: z.string().max(2_000_000).optional(),
    file: z
      .object({ name: z.string().min(1).max(255), content: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();
export type SurveyTargets = z.infer<typeof surveyTargets>;

const sendProgress = z.object({
  done: z.number(),
  total: z.number(),
  queued: z.number(),
  blocked: z.number(),
});

export const surveySendJob = z.object({
  surveyId: z.number(),
  startedBy: z.string(),
  startedAt: z.number(),
  state: z.enum(['running', 'done', 'failed']),
  progress: sendProgress,
  /** When done: what happened to the numbers (invalid ones listed, at most 50). */
  summary: sendProgress
    .extend({
      already: z.number(),
      sendAt: z.number(),
      invalid: z.array(z.string()),
      invalidCount: z.number(),
    })
    .nullable(),
  error: z.string().nullable(),
});
export type SurveySendJob = z.infer<typeof surveySendJob>;

/** POST /surveys/:id/send answers the job started; GET /surveys/:id/send-progress the latest (null: none). */
export const surveySendAnswer = z.object({ job: surveySendJob.nullable() });
export type SurveySendAnswer = z.infer<typeof surveySendAnswer>;

/** GET /surveys/:id/results */
export const surveyResults = z.object({
  id: z.number(),
  name: z.string(),
  extCode: z.string(),
  phase: surveyPhase,
  opensAt: z.string(),
  closesAt: z.string(),
  targets: z.object({
    total: z.number(),
    /** Not sent: TD, QXFW, blacklisted, or no route. */
    blocked: z.number(),
    pending: z.number(),
    answering: z.number(),
    /** Answered every question. */
    completed: z.number(),
    endedInvalid: z.number(),
  }),
  /** Status of the first questions' messages (QUEUED, DELIVERED, FAILED, BLOCKED…). */
  delivery: z.record(z.string(), z.number()),
  sent: z.number(),
  answerRate: z.number(),
  completionRate: z.number(),
  questions: z.array(
    z.object({
      /** 1-based, as the citizen saw it. */
      number: z.number(),
      text: z.string(),
      options: z.array(z.object({ code: z.string(), label: z.string(), count: z.number() })),
      /** Answers that ended the survey for a phone (two unreadable replies). */
      invalid: z.number(),
      answered: z.number(),
      answerRate: z.number(),
    }),
  ),
});
export type SurveyResults = z.infer<typeof surveyResults>;

/** POST /surveys/:id/close */
export const surveyClosed = z.object({ changed: z.boolean(), phase: surveyPhase });
export type SurveyClosed = z.infer<typeof surveyClosed>;
