/** Message templates a business system may send by id (content with `{name}` variables). */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { IdAllocator } from './ids.js';

export interface TemplateRecord {
  id: number;
  appId: number | null;
  name: string;
  content: string;
  status: 'pending' | 'approved' | 'rejected';
}

export async function findTemplate(db: Kysely<Database>, id: number): Promise<TemplateRecord | null> {
  const row = await db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? { id: row.id, appId: row.app_id, name: row.name, content: row.content, status: row.status }
    : null;
}

export async function createTemplate(
  db: Kysely<Database>,
  ids: IdAllocator,
  t: { appId: number | null; name: string; content: string; status: TemplateRecord['status'] },
  now = Date.now(),
): Promise<TemplateRecord> {
  const id = await ids.nextId();
  await db
    .insertInto('templates')
    .values({
      id,
      app_id: t.appId,
      name: t.name,
      content: t.content,
      status: t.status,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, ...t };
}
