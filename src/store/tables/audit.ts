/** The chained audit log and its head row. Types for Kysely (see src/store/schema.ts). */
/** One audit entry (migration 0009; §8.1 c): chained by `hash` = HMAC(key, prev_hash ‖ entry). */
export interface AuditLogTable {
  seq: number;
  at: number;
  kind: 'access' | 'operation' | 'data';
  actor: string;
  role: string | null;
  source_ip: string | null;
  action: string;
  target: string | null;
  result: 'ok' | 'denied' | 'failed';
  /** JSON text, hashed as stored. */
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The single row (id 1) that serialises audit writers and anchors both ends of the chain. */
export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
  pruned_seq: number;
  pruned_hash: string;
  /** Keyed MAC over the four fields above; '' only before the first append. */
  mac: string;
}
