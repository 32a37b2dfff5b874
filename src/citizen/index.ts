/**
 * Everything citizens' commands need, built once per platform process: the personal-data cipher,
 * the business backend, the reply texts, the engine and the service that feeds it.
 */
import { sendingRulesFrom } from '../pipeline/admission.js';
import type { Logger } from 'pino';
import { createBackend } from '../backend/index.js';
import type { BusinessBackend } from '../backend/types.js';
import type { Config } from '../config/schema.js';
import type { Router } from '../pipeline/router.js';
import { loadPersonalDataCipher, type PersonalDataCipher } from '../security/personal-data.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import type { UplinkProtector } from '../store/uplinks.js';
import { maskDigitRuns, maskStoredCommandText } from '../domain/commands/index.js';
import { CommandEngine } from './engine.js';
import { ReplyTexts } from './reply-texts.js';
import { CitizenService } from './service.js';
import { Surveys } from './surveys.js';
import type { TicketResultDeps } from './ticket-results.js';

export interface Citizens {
  readonly cipher: PersonalDataCipher;
  readonly backend: BusinessBackend;
  readonly texts: ReplyTexts;
  readonly service: CitizenService;
  readonly tickets: TicketResultDeps;
  /** Surveys (§7.4): created and sent by operators and business systems, answered through the engine. */
  readonly surveys: Surveys;
  /** Masks uplinks before they are stored (SSNs, names, passwords); originals are sealed (store/uplinks.ts). */
  readonly protectUplink: UplinkProtector;
  /** A path when the data key file was created just now (tell the operator to back it up). */
  readonly keyFileCreated: string | null;
  /** The key file's permissions were tightened (log as warnings). */
  readonly notices: readonly string[];
  start(): void;
  close(): Promise<void>;
}

export async function createCitizens(deps: {
  config: Config;
  handle: DatabaseHandle;
  ids: IdAllocator;
  router: Router;
  logger: Logger;
  now: () => number;
  onAnswered: () => void;
}): Promise<Citizens> {
  const { config, handle } = deps;
  const { cipher, keyFileCreated, notices } = loadPersonalDataCipher(config);
  const { backend } = await createBackend(config, { handle, cipher });
  const texts = new ReplyTexts(handle.db, config.citizen.signature, 5000, deps.now);
  const surveys = new Surveys({
    handle,
    ids: deps.ids,
    router: deps.router,
    settings: {
      signature: config.citizen.signature,
      extPrefix: config.citizen.surveyExtPrefix,
      maxSegments: config.sending.maxSegments,
    },
    rules: sendingRulesFrom(config.sending),
    now: deps.now,
    onQueued: deps.onAnswered,
    logger: deps.logger,
  });
  const engine = new CommandEngine({
    handle,
    ids: deps.ids,
    router: deps.router,
    backend,
    cipher,
    texts,
    surveys,
    settings: config.citizen,
    logger: deps.logger,
    now: deps.now,
  });
  const service = new CitizenService(
    handle,
    engine,
    // A command is answered in well under a minute (backend calls time out in seconds).
    { pollMs: config.citizen.pollMs, leaseMs: 60_000, onAnswered: deps.onAnswered, now: deps.now },
    deps.logger,
  );
  const extensions = config.citizen.extensions.map((e) => ({ code: e.code, params: e.params }));
  const protectUplink: UplinkProtector = {
    protect(text, toCitizens) {
      const masked = toCitizens ? maskStoredCommandText(text, extensions) : maskDigitRuns(text);
      if (masked === text) return { text, secretEnc: null, textEnc: null };
      const sealed = cipher.encrypt(text);
      return toCitizens
        ? { text: masked, secretEnc: sealed, textEnc: null }
        : { text: masked, secretEnc: null, textEnc: sealed };
    },
    seal: (text) => cipher.encrypt(text),
    open: (token) => cipher.decrypt(token),
  };
  return {
    cipher,
    backend,
    texts,
    service,
    surveys,
    tickets: {
      handle,
      ids: deps.ids,
      router: deps.router,
      cipher,
      texts,
      signature: config.citizen.signature,
      now: deps.now,
    },
    protectUplink,
    keyFileCreated,
    notices,
    start: () => {
      if (config.citizen.enabled) service.start();
    },
    close: async () => {
      await service.stop();
      await backend.close();
    },
  };
}
