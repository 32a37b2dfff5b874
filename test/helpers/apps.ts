import type { Kysely } from 'kysely';
import { upsertApp } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import type { Database } from '../../src/store/schema.js';

/** A pre-computed argon2id hash of "Passw0rd!" keeps store tests fast. */
export const TEST_PASSWORD = 'Passw0rd!';
export const TEST_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$j35GWMSsKqxKXWBy1XajBw$Wg2Es77Hwy9OqK+xomD3bLPmRCvsPFTWrErLEta1bOM';

export async function createTestApp(
  db: Kysely<Database>,
  name = 'hrss',
  overrides: {
    balance?: number;
    ipWhitelist?: string[];
    extCode?: string;
    signature?: string;
    status?: 'active' | 'frozen' | 'disabled';
  } = {},
) {
  const { app } = await upsertApp(db, new IdAllocator(db, 10), name, {
    passwordHash: TEST_PASSWORD_HASH,
    ipWhitelist: overrides.ipWhitelist ?? ['127.0.0.1/32', '::1/128'],
    balance: overrides.balance ?? 1000,
    signature: overrides.signature ?? '【人社局】',
    extCode: overrides.extCode ?? '01',
    status: overrides.status ?? 'active',
  });
  return app;
}
