/**
 * The tamper-evident audit log (standard §8.1 c: user access, platform operation
 * and data operation logs).
 *
 * Each entry's `hash` is HMAC-SHA256(key, "entry" ‖ prev_hash ‖ canonical JSON of the entry,
 * seq and time included), so each entry seals the whole chain before it. The key is derived from the
 * personal-data master key (security.dataKey or its key file), which is kept apart from the
 * database: someone who can only write to the database cannot recompute a hash after changing a row.
 *
 * The head row (migration 0009) holds the last seq and hash and the anchor left by pruning, under
 * its own keyed MAC, and every writer locks it (store/audit-log.ts), so the chain never forks.
 *
 * `verifyAudit` detects, at the first seq affected: a changed field of any entry, an entry deleted
 * or inserted in the middle (a gap or a wrong link), deleted entries at the end (the head still
 * names the old last entry), entries removed from the start beyond the last prune, a head
 * rewritten without the key, entries stored beyond the head (an append passes over their seq rather
 * than failing on it, so a stray row cannot stop logins from being recorded), and a head row that
 * is gone. It cannot detect: a whole-database rollback to an earlier copy (say, a restored backup,
 * or a saved head row put back together with the tail deletion) — record the printed head seq and
 * hash somewhere else to catch that; or emptying the log and resetting the head to its initial
 * state, which looks like a fresh database (verify reports 0 entries). Anyone holding the key can
 * rewrite everything: the key is the trust root.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import { deriveDataSubkey, readDataMasterKey, type DataKeySettings } from '../security/personal-data.js';
import {
  appendAuditRecord,
  countBeyondHead,
  pruneAuditRecords,
  readAuditHead,
  readAuditPage,
  type AuditHead,
  type AuditRecord,
} from '../store/audit-log.js';
import type { DatabaseHandle } from '../store/connect.js';

export type { AuditRecord } from '../store/audit-log.js';

/** §8.1 c and 等保 2.0: audit records are kept at least six months; pruning never goes below this. */
export const AUDIT_RETENTION_MS = 180 * 24 * 60 * 60 * 1000;

export const AUDIT_KINDS = ['access', 'operation', 'data'] as const;
export const AUDIT_RESULTS = ['ok', 'denied', 'failed'] as const;

export interface AuditEntry {
  /** access: logins, logouts, page and API access; operation: sends, approvals, configuration; data: creates, updates, deletes, exports, unmasking. */
  kind: (typeof AUDIT_KINDS)[number];
  /** Who: a console user name, an app name, or `cli` / `system`. */
  actor: string;
  role?: string | null;
  /** From where. */
  sourceIp?: string | null;
  /** What, e.g. `login`, `template.approve`, `export.messages`. */
  action: string;
  target?: string | null;
  result: (typeof AUDIT_RESULTS)[number];
  /** More facts as JSON; never unmasked personal data. */
  detail?: Record<string, unknown>;
}

/** The chain key; opaque so it is not printed by accident. */
export interface AuditKey {
  readonly secret: Buffer;
}

export function deriveAuditKey(masterKey: Buffer): AuditKey {
  return { secret: deriveDataSubkey(masterKey, 'audit chain hmac-sha256') };
}

/** The key for this configuration; the key file must already exist. */
export function loadAuditKey(config: DataKeySettings): AuditKey {
  return deriveAuditKey(readDataMasterKey(config));
}

function mac(key: AuditKey, label: string, prev: string, body: unknown[]): string {
  return createHmac('sha256', key.secret)
    .update(`${label}\n${prev}\n${JSON.stringify(body)}`, 'utf8')
    .digest('hex');
}

/** The canonical form: the fields in a fixed order, as stored. */
export function entryHash(
  key: AuditKey,
  prevHash: string,
  r: Omit<AuditRecord, 'prevHash' | 'hash'>,
): string {
  return mac(key, 'entry', prevHash, [
    r.seq,
    r.at,
    r.kind,
    r.actor,
    r.role,
    r.sourceIp,
    r.action,
    r.target,
    r.result,
    r.detail,
  ]);
}

function headMac(key: AuditKey, h: Omit<AuditHead, 'mac'>): string {
  return mac(key, 'head', '', [h.lastSeq, h.lastHash, h.prunedSeq, h.prunedHash]);
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The head as the migration left it (no key there), or one sealed with this key. */
function headValid(key: AuditKey, h: AuditHead): boolean {
  if (h.mac === '') return h.lastSeq === 0 && h.prunedSeq === 0 && h.lastHash === '' && h.prunedHash === '';
  return sameHex(h.mac, headMac(key, h));
}

function sealHead(key: AuditKey, h: Omit<AuditHead, 'mac'>): AuditHead {
  return { ...h, mac: headMac(key, h) };
}

/**
 * Appends one entry, serialised with every other writer. Refuses (ERR_AUDIT_TAMPERED) to extend a
 * head that does not carry this key's MAC: re-sealing it would launder a truncation.
 */
export async function appendAudit(
  handle: DatabaseHandle,
  key: AuditKey,
  entry: AuditEntry,
  at: number = Date.now(),
): Promise<AuditRecord> {
  const detail = JSON.stringify(entry.detail ?? {});
  return appendAuditRecord(handle.db, (head, seq) => {
    if (!head) throw new AppError('ERR_AUDIT_TAMPERED', 'audit_head 链头记录不存在 (the head row is gone)');
    if (!headValid(key, head))
      throw new AppError('ERR_AUDIT_TAMPERED', `audit_head (seq ${head.lastSeq}) 的校验值不符`);
    const fields = {
      seq,
      at,
      kind: entry.kind,
      actor: entry.actor,
      role: entry.role ?? null,
      sourceIp: entry.sourceIp ?? null,
      action: entry.action,
      target: entry.target ?? null,
      result: entry.result,
      detail,
    };
    const hash = entryHash(key, head.lastHash, fields);
    return {
      record: { ...fields, prevHash: head.lastHash, hash },
      head: sealHead(key, { ...head, lastSeq: fields.seq, lastHash: hash }),
    };
  });
}

/**
 * Why the chain breaks at `seq`: `head` the head row was altered; `headless` the head row is gone;
 * `missing` no entry with this seq (deleted in the middle, or removed from the start); `relinked`
 * its prev_hash is not the previous entry's hash; `changed` a field differs from what was sealed;
 * `truncated` entries from here to the head's last seq were deleted; `beyond` entries stored past
 * the head, outside the chain.
 */
export type AuditProblem = 'head' | 'headless' | 'missing' | 'relinked' | 'changed' | 'truncated' | 'beyond';

export type AuditVerdict =
  | { ok: true; count: number; firstSeq: number; lastSeq: number; lastHash: string }
  | { ok: false; seq: number; problem: AuditProblem; verified: number };

/** Walks the chain from the prune anchor to the head, `pageSize` entries per query. */
export async function verifyAudit(
  handle: DatabaseHandle,
  key: AuditKey,
  options: { pageSize?: number } = {},
): Promise<AuditVerdict> {
  const pageSize = options.pageSize ?? 1000;
  const head = await readAuditHead(handle.db);
  if (!head) return { ok: false, seq: 0, problem: 'headless', verified: 0 };
  if (!headValid(key, head)) return { ok: false, seq: head.lastSeq, problem: 'head', verified: 0 };
  let prev = head.prunedHash;
  let expected = head.prunedSeq + 1;
  let verified = 0;
  // Entries appended after the head was read are past head.lastSeq and left for the next run.
  for (;;) {
    const page = await readAuditPage(handle.db, expected - 1, head.lastSeq, pageSize);
    for (const r of page) {
      if (r.seq !== expected) return { ok: false, seq: expected, problem: 'missing', verified };
      if (r.prevHash !== prev) return { ok: false, seq: r.seq, problem: 'relinked', verified };
      if (!sameHex(r.hash, entryHash(key, prev, r)))
        return { ok: false, seq: r.seq, problem: 'changed', verified };
      prev = r.hash;
      expected += 1;
      verified += 1;
    }
    if (page.length < pageSize) break;
  }
  if (expected - 1 !== head.lastSeq) return { ok: false, seq: expected, problem: 'truncated', verified };
  if (prev !== head.lastHash) return { ok: false, seq: head.lastSeq, problem: 'head', verified };
  // Counted against the head as it stands now: an entry appended during the walk moved the head too.
  if ((await countBeyondHead(handle.db)) > 0)
    return { ok: false, seq: head.lastSeq + 1, problem: 'beyond', verified };
  return { ok: true, count: verified, firstSeq: head.prunedSeq + 1, lastSeq: head.lastSeq, lastHash: prev };
}

/**
 * Removes entries older than `olderThan` (epoch ms) but never any younger than 180 days before
 * `now`, after checking the whole chain (pruning must not destroy the evidence of tampering). The
 * last removed entry's seq and hash become the anchor the chain is verified from.
 */
export async function pruneAudit(
  handle: DatabaseHandle,
  key: AuditKey,
  olderThan: number,
  now: number = Date.now(),
): Promise<number> {
  const verdict = await verifyAudit(handle, key);
  if (!verdict.ok)
    throw new AppError(
      'ERR_AUDIT_TAMPERED',
      `seq ${verdict.seq} (${verdict.problem}); 不做清理 (not pruning)`,
    );
  const cutoff = Math.min(olderThan, now - AUDIT_RETENTION_MS);
  return pruneAuditRecords(handle.db, cutoff, (head, last) => {
    if (!headValid(key, head) || !sameHex(last.hash, entryHash(key, last.prevHash, last)))
      throw new AppError('ERR_AUDIT_TAMPERED', `seq ${last.seq}; 不做清理 (not pruning)`);
    return sealHead(key, { ...head, prunedSeq: last.seq, prunedHash: last.hash });
  });
}
