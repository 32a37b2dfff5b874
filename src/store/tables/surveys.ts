/** Surveys, their questions, the phones asked and the answers. Types for Kysely (see src/store/schema.ts). */
/** A survey (§7.4); `ext_code` is `citizen.surveyExtPrefix` + its number, the sender number of its questions. */
export interface SurveysTable {
  id: number;
  name: string;
  /** Put before the first question. */
  intro: string;
  /** The reply after the last answer. */
  thanks: string;
  ext_code: string;
  /** draft until first sent; closed by an operator (or read as closed once `closes_at` passed). */
  status: 'draft' | 'open' | 'closed';
  opens_at: number;
  closes_at: number;
  created_by: string;
  created_at: number;
  closed_at: number | null;
}

export interface SurveyQuestionsTable {
  survey_id: number;
  /** 0-based. */
  position: number;
  text: string;
  /** JSON array of {code, label}. */
  options: string;
}

/** A phone a survey was sent to and the question it is on. */
export interface SurveyTargetsTable {
  id: number;
  survey_id: number;
  mobile: string;
  /** 0-based question the phone is asked now (the last one once done). */
  position: number;
  /** 1 once this question was asked again after an invalid answer. */
  reprompted: number;
  /** blocked: not sent (TD, QXFW, blacklist, no route); pending: no answer yet; done: finished or ended. */
  status: 'blocked' | 'pending' | 'answering' | 'done';
  /** The message that carried the first question. */
  message_id: number | null;
  sent_at: number;
  updated_at: number;
}

/** One phone's answer to one question; option_code null (valid 0) is an invalid answer that ended the survey for it. */
export interface SurveyAnswersTable {
  survey_id: number;
  mobile: string;
  position: number;
  option_code: string | null;
  raw_text: string;
  valid: number;
  uplink_id: number;
  answered_at: number;
}
