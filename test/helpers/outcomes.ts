/**
 * What the store tests of recorded outcomes share: the settings a pipeline records them under
 * (a report within a minute, an hour's validity, three attempts, retries 1–8 s) and an empty batch
 * of events to add one kind of event to.
 */
import type { OutcomeSettings, PipelineEvents } from '../../src/store/outcomes.js';

export const OUTCOME_SETTINGS: OutcomeSettings = {
  reportDeadlineMs: 60_000,
  validityMs: 3_600_000,
  maxAttempts: 3,
  retryMinMs: 1000,
  retryMaxMs: 8000,
};

export const NO_EVENTS: PipelineEvents = { submissions: [], reports: [], uplinks: [] };
