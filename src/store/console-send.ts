/**
 * What the console's Send page reads: the accounts an operator may send under, and the progress of
 * one console send. A console send is the batches admitted with the clientMsgIds
 * `console:<key>:<n>` (one per distinct text and chunk), so its messages are found by that prefix
 * on the (app_id, client_msg_id) index; its task row (migration 0035) gives it a number and a name.
 */
import type { Kysely } from 'kysely';
import { SERVICE_APP_ID } from './citizens.js';
import type { IdAllocator } from './ids.js';
import type { Database } from './schema.js';

export interface SendableApp {
  id: number;
  name: string;
  signature: string;
  balance: number;
  extCode: string;
}

/** Active business-system accounts; the platform's own service account is not one. */
export async function listSendableApps(db: Kysely<Database>): Promise<SendableApp[]> {
  const rows = await db
    .selectFrom('apps')
    .select(['id', 'name', 'signature', 'balance', 'ext_code'])
    .where('status', '=', 'active')
    .where('id', '<>', SERVICE_APP_ID)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    signature: r.signature,
    balance: r.balance,
    extCode: r.ext_code,
  }));
}

/** The clientMsgId of the n-th admission request of a console send. */
export function consoleClientMsgId(key: string, n: number): string {
  return `console:${key}:${n}`;
}

export interface SendProgress {
  batchIds: string[];
  total: number;
  byStatus: Record<string, number>;
}

/** Counts by message status of the batches of one console send (key as the page gave it). */
export async function sendProgress(db: Kysely<Database>, appId: number, key: string): Promise<SendProgress> {
  const { from: prefix, to: upper } = sendKeyRange(key);
  const batches = await db
    .selectFrom('batches')
    .select('id')
    .where('app_id', '=', appId)
    .where('client_msg_id', '>=', prefix)
    .where('client_msg_id', '<', upper)
    .orderBy('id')
    .execute();
  const byStatus: Record<string, number> = {};
  let total = 0;
  const ids = batches.map((b) => b.id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('messages')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('batch_id', 'in', ids.slice(i, i + 500))
      .groupBy('status')
      .execute();
    for (const r of rows) {
      const n = Number(r.n);
      byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
      total += n;
    }
  }
  return { batchIds: ids.map(String), total, byStatus };
}

export interface SendTask {
  id: number;
  appId: number;
  key: string;
  fileName: string | null;
  recipients: number;
  createdBy: string;
  createdAt: number;
}

/** The task of a send, made on its first submit; a second submit with the same key finds it. */
export async function openSendTask(
  db: Kysely<Database>,
  ids: IdAllocator,
  task: Omit<SendTask, 'id'>,
): Promise<SendTask> {
  const found = await sendTaskByKey(db, task.appId, task.key);
  if (found) return found;
  const id = await ids.nextId();
  await db
    .insertInto('send_tasks')
    .values({
      id,
      app_id: task.appId,
      send_key: task.key,
      file_name: task.fileName,
      recipients: task.recipients,
      created_by: task.createdBy,
      created_at: task.createdAt,
    })
    .onConflict((oc) => oc.columns(['app_id', 'send_key']).doNothing())
    .execute();
  return (await sendTaskByKey(db, task.appId, task.key)) ?? { id, ...task };
}

function taskOf(r: {
  id: number;
  app_id: number;
  send_key: string;
  file_name: string | null;
  recipients: number;
  created_by: string;
  created_at: number;
}): SendTask {
  return {
    id: r.id,
    appId: r.app_id,
    key: r.send_key,
    fileName: r.file_name,
    recipients: r.recipients,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export async function sendTaskByKey(
  db: Kysely<Database>,
  appId: number,
  key: string,
): Promise<SendTask | null> {
  const r = await db
    .selectFrom('send_tasks')
    .selectAll()
    .where('app_id', '=', appId)
    .where('send_key', '=', key)
    .executeTakeFirst();
  return r ? taskOf(r) : null;
}

export async function sendTask(db: Kysely<Database>, id: number): Promise<SendTask | null> {
  const r = await db.selectFrom('send_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? taskOf(r) : null;
}

/** The clientMsgId range of a send's batches: [from, to). */
export function sendKeyRange(key: string): { from: string; to: string } {
  // A range rather than LIKE, so both databases use the index; ';' is the character after ':'.
  return { from: `console:${key}:`, to: `console:${key};` };
}
