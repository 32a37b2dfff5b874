/**
 * Pieces of a federation on one machine (docs/federation.md): segment data that places 1390021… in
 * Liaoning (21) and 1390046… in Hainan (46), a ministry platform, a province's ministry link,
 * province accounts on the ministry platform, and the figures the tests count.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { upsertApp } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import type { Database } from '../../src/store/schema.js';
import { TEST_PASSWORD, TEST_PASSWORD_HASH } from './apps.js';
import { segmentCsv } from './phone-data.js';
import { startTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform.js';

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

/** The ministry platform on `databaseUrl` (PostgreSQL), its interface on `port`. */
export function startMinistry(
  databaseUrl: string,
  port: number,
  segments: string,
  options: Omit<TestPlatformOptions, 'databaseUrl'> = {},
): Promise<TestPlatform> {
  return startTestPlatform('postgres', {
    ...options,
    databaseUrl,
    config: {
      platform: { role: 'ministry', province: '10', name: '人力资源和社会保障部' },
      interface: { host: '127.0.0.1', port },
      phoneData: { file: segments },
      ...options.config,
    },
  });
}

/** `count` Hainan numbers from 1390046 + `from`. */
export const hainan = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `1390046${String(from + i).padStart(4, '0')}`);

/** Messages sent again without knowing whether the first went (possible duplicates), summed. */
export async function resubmits(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.sum<number | string | null>('resubmits').as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}
