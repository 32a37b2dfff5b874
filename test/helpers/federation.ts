/**
 * Pieces of a federation on one machine (docs/federation.md): segment data that places 1390021… in
 * Liaoning (21) and 1390046… in Hainan (46), a province's ministry link, and province accounts on
 * the ministry platform.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { upsertApp } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import type { Database } from '../../src/store/schema.js';
import { TEST_PASSWORD, TEST_PASSWORD_HASH } from './apps.js';
import { segmentCsv } from './phone-data.js';

/** Writes the segment file into `dir`; answers its path. */
export function writeSegments(dir: string): string {
  const file = join(dir, 'segments.csv');
  writeFileSync(
    file,
    segmentCsv([
      { prefix: '1390021', province: '21', city: '沈阳市' },
      { prefix: '1390046', province: '46', city: '海口市' },
    ]),
  );
  return file;
}

/** A province's `protocol: ministry` gateway with test timings. */
export const ministryLink = (url: string, account: string): Record<string, unknown> => ({
  id: 'ministry',
  protocol: 'ministry',
  url,
  account,
  secret: TEST_PASSWORD,
  spNumber: '',
  scope: 'other-provinces',
  carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
  window: 4,
  tps: 5000,
  pollMs: 50,
  requestTimeoutMs: 3000,
  reconnectMinMs: 50,
  reconnectMaxMs: 300,
});

/** Province accounts `prov<code>` on the ministry (§5.2 b): no signature, extension = province code. */
export async function addProvinceAccounts(
  db: Kysely<Database>,
  provinces: readonly string[],
  balance = 1000,
): Promise<void> {
  for (const province of provinces)
    await upsertApp(db, new IdAllocator(db, 10), `prov${province}`, {
      passwordHash: TEST_PASSWORD_HASH,
      ipWhitelist: ['127.0.0.1/32'],
      balance,
      signature: '',
      extCode: province,
      province,
    });
}
