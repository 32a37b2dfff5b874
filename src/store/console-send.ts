/**
 * What the console's Send page reads: the accounts an operator may send under, and the progress of
 * one console send. A console send is the batches admitted with the clientMsgIds
 * `console:<key>:<n>` (one per distinct text and chunk), so its messages are found by that prefix
 * on the (app_id, client_msg_id) index without a table of its own.
 */
import type { Kysely } from 'kysely';
import { SERVICE_APP_ID } from './citizens.js';
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
  const prefix = `console:${key}:`;
  // A range rather than LIKE, so both databases use the index; ';' is the character after ':'.
  const upper = `console:${key};`;
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
