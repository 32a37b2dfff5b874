/**
 * Gateways as changed from the console (migration 0034): one row per link that differs from the
 * configuration file, or that the file does not have at all. Every change raises the row's
 * version, so an instance that polls sees which links moved (pipeline/gateway-control.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface GatewaySetting {
  id: string;
  paused: boolean;
  /** Null: as the configuration file says. */
  enabled: boolean | null;
  tps: number | null;
  window: number | null;
  /** A link added from the console, as stored (secrets sealed); null for a configured link. */
  definition: string | null;
  version: number;
  updatedBy: string;
  updatedAt: number;
}

export async function listGatewaySettings(db: Kysely<Database>): Promise<GatewaySetting[]> {
  const rows = await db.selectFrom('gateway_settings').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    paused: r.paused === 1,
    enabled: r.enabled === null ? null : r.enabled === 1,
    tps: r.tps,
    window: r.window,
    definition: r.definition,
    version: r.version,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  }));
}

export type GatewaySettingChange = Partial<
  Pick<GatewaySetting, 'paused' | 'enabled' | 'tps' | 'window' | 'definition'>
>;

/** Applies a change to a link's row (made when missing) and raises its version. */
export async function changeGatewaySetting(
  db: Kysely<Database>,
  id: string,
  change: GatewaySettingChange,
  by: string,
  now: number,
): Promise<void> {
  const values = {
    ...(change.paused !== undefined && { paused: change.paused ? 1 : 0 }),
    ...(change.enabled !== undefined && {
      enabled: change.enabled === null ? null : change.enabled ? 1 : 0,
    }),
    ...(change.tps !== undefined && { tps: change.tps }),
    ...(change.window !== undefined && { window: change.window }),
    ...(change.definition !== undefined && { definition: change.definition }),
  };
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('gateway_settings')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) {
      await trx
        .insertInto('gateway_settings')
        .values({
          id,
          paused: 0,
          enabled: null,
          tps: null,
          window: null,
          definition: null,
          ...values,
          version: 1,
          updated_by: by,
          updated_at: now,
        })
        .execute();
      return;
    }
    await trx
      .updateTable('gateway_settings')
      .set({ ...values, version: row.version + 1, updated_by: by, updated_at: now })
      .where('id', '=', id)
      .execute();
  });
}

export async function deleteGatewaySetting(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('gateway_settings').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
