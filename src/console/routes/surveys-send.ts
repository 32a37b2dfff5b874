/**
 * Survey sends started from the console run in the background so a long target list shows its
 * progress (Surveys.send reports after every batch of SEND_BATCH numbers); the page polls the job.
 * One send per survey at a time in this process. Targets come pasted (one number a line, or
 * separated by commas) or as an uploaded .csv/.xlsx with a mobile column (the Send page's reader).
 */
import type { Logger } from 'pino';
import type { Surveys } from '../../citizen/surveys.js';
import { isAppError } from '../../shared/errors.js';
import { pastedEntries } from '../../domain/phone.js';
import { readBatchFile } from '../batch-file.js';
import type { SurveySendJob, SurveyTargets } from '../contract/surveys.js';
import { consoleError } from '../errors.js';

/** The numbers as written (normalised and deduplicated by Surveys.send), and where they came from. */
export async function readTargets(body: SurveyTargets): Promise<{ entries: string[]; source: string }> {
  const pasted = pastedEntries(body.mobiles ?? '').map((e) => e.raw);
  const fromFile = body.file
    ? (await readBatchFile(body.file.name, body.file.content)).rows.map((r) => r.mobile)
    : [];
  const entries = [...pasted, ...fromFile];
  if (entries.length === 0) throw consoleError('SEND_NO_RECIPIENTS', '请粘贴号码或上传含 mobile 列的文件');
  return { entries, source: body.file ? `file:${body.file.name}` : 'pasted' };
}

export class SurveySendJobs {
  private readonly jobs = new Map<number, SurveySendJob>();

  constructor(
    private readonly surveys: () => Surveys,
    private readonly logger: Logger | undefined,
    private readonly now: () => number,
  ) {}

  /** The latest send of this survey in this process, if any. */
  get(surveyId: number): SurveySendJob | null {
    return this.jobs.get(surveyId) ?? null;
  }

  start(
    surveyId: number,
    entries: readonly string[],
    startedBy: string,
    onQueued: () => void,
  ): SurveySendJob {
    if (this.jobs.get(surveyId)?.state === 'running') throw consoleError('SURVEY_SENDING');
    const job: SurveySendJob = {
      surveyId,
      startedBy,
      startedAt: this.now(),
      state: 'running',
      progress: { done: 0, total: entries.length, queued: 0, blocked: 0 },
      summary: null,
      error: null,
    };
    this.jobs.set(surveyId, job);
    this.surveys()
      .send(surveyId, entries, (p) => {
        job.progress = p;
        onQueued();
      })
      .then((summary) => {
        job.progress = {
          done: summary.done,
          total: summary.total,
          queued: summary.queued,
          blocked: summary.blocked,
        };
        job.summary = {
          ...summary,
          invalid: summary.invalid.slice(0, 50),
          invalidCount: summary.invalid.length,
        };
        job.state = 'done';
      })
      .catch((err: unknown) => {
        job.state = 'failed';
        job.error = isAppError(err) ? (err.detail ?? err.zh) : '内部错误 internal error';
        this.logger?.error({ err, surveyId }, '调查发送失败 survey send failed');
      });
    return job;
  }
}
