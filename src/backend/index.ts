/**
 * The business backend named by `backend.kind`. The embedded one reads the database with the
 * personal-data key, which is loaded (or created) only when it is needed; `keyFileCreated` names a
 * key file made just now, for the caller to tell the operator to back it up.
 */
import type { Config } from '../config/schema.js';
import { AppError } from '../shared/errors.js';
import { loadPersonalDataCipher, type PersonalDataCipher } from '../security/personal-data.js';
import type { DatabaseHandle } from '../store/connect.js';
import { assertDataKeyMatches, EmbeddedBackend } from './embedded.js';
import { HttpBackend } from './http.js';
import type { BusinessBackend } from './types.js';

export async function createBackend(
  config: Pick<Config, 'backend' | 'security' | 'database'>,
  deps: { handle: DatabaseHandle; cipher?: PersonalDataCipher },
): Promise<{ backend: BusinessBackend; keyFileCreated: string | null }> {
  switch (config.backend.kind) {
    case 'http': {
      const settings = config.backend.http;
      // The schema refuses kind http without settings; this keeps the types honest.
      if (!settings)
        throw new AppError('ERR_CONFIG_INVALID', 'backend.http: kind http needs http: { baseUrl, … }');
      return { backend: new HttpBackend(settings), keyFileCreated: null };
    }
    case 'embedded': {
      const loaded = deps.cipher
        ? { cipher: deps.cipher, keyFileCreated: null }
        : loadPersonalDataCipher(config);
      await assertDataKeyMatches(deps.handle, loaded.cipher);
      return {
        backend: new EmbeddedBackend(deps.handle, loaded.cipher),
        keyFileCreated: loaded.keyFileCreated,
      };
    }
  }
}

export { BackendUnavailableError, isBackendUnavailable } from './types.js';
export type { BusinessBackend, PersonSummary, PasswordCheck, CardLossRequest, Insurance } from './types.js';
