/**
 * Template kinds (docs/console.md "Templates"): each template is a verification-code text (`otp`,
 * 验证码) or a notice (`notice`, 通知). Existing templates become notices.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('templates')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('notice'))
    .execute();
}
