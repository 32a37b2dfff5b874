/**
 * Uplink messages (what citizens text). A long one arrives in segments, possibly over several
 * connections and in any order; segments wait in `uplink_segments` (so a restart loses none) until
 * the last one arrives, then the whole text is one uplink message. A message whose segments do not
 * all arrive within the reassembly time is kept as what arrived, marked PARTIAL.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { IdAllocator } from './ids.js';
import type { Database, UplinkSegmentsTable } from './schema.js';
import { SERVICE_APP_ID } from './citizens.js';
import { chunked } from './sql-values.js';

export interface UplinkRecord {
  gatewayId: string;
  carrierMsgId: string;
  mobile: string;
  destId: string;
  ext: string;
  appId: number | null;
  text: string;
  concat: { reference: number; total: number; partNo: number } | null;
  receivedAt: number;
}

type UplinkRow = Database['uplink_messages'];

/**
 * What keeps citizens' texts from resting in clear (docs/data-protection.md): a whole message is
 * stored masked — a command with its SSNs, names and passwords masked, a business system's uplink
 * with SSN-shaped runs masked — with the original sealed where someone needs it (the command
 * engine until it answers: `secretEnc`; the business system's feed for good: `textEnc`). A segment
 * waiting for the rest of its message is stored masked with the original sealed beside it.
 */
export interface UplinkProtector {
  protect(
    text: string,
    toCitizens: boolean,
  ): { text: string; secretEnc: string | null; textEnc: string | null };
  seal(text: string): string;
  open(token: string): string;
}

function protectRow(row: UplinkRow, protect: UplinkProtector | undefined): UplinkRow {
  if (!protect) return row;
  const { text, secretEnc, textEnc } = protect.protect(row.text, row.app_id === null);
  return { ...row, text, secret_enc: secretEnc, text_enc: textEnc };
}

/** A segment at rest: masked, its original sealed (opened again when the message is assembled). */
function protectSegment(row: SegmentRow, protect: UplinkProtector | undefined): SegmentRow {
  if (!protect) return row;
  const { text } = protect.protect(row.text, false);
  return { ...row, text, text_enc: protect.seal(row.text) };
}
type SegmentRow = UplinkSegmentsTable;

/** Ids `storeUplinks` may take: one per record (a segment row, or a message row). */
export const idsForUplinks = (count: number): number => count;

const groupKey = (s: { mobile: string; dest_id: string; ref: number; total: number }): string =>
  `${s.mobile}\u0000${s.dest_id}\u0000${s.ref}\u0000${s.total}`;

export async function storeUplinks(
  tx: Transaction<Database>,
  ids: IdAllocator,
  uplinks: readonly UplinkRecord[],
  protect?: UplinkProtector,
): Promise<void> {
  const whole: UplinkRow[] = [];
  const segments: SegmentRow[] = [];
  for (const u of uplinks) {
    if (u.concat && u.concat.total > 1) {
      segments.push({
        text_enc: null,
        id: ids.take(),
        gateway_id: u.gatewayId,
        carrier_msg_id: u.carrierMsgId,
        mobile: u.mobile,
        dest_id: u.destId,
        ext: u.ext,
        app_id: u.appId,
        ref: u.concat.reference,
        total: u.concat.total,
        part_no: u.concat.partNo,
        text: u.text,
        received_at: u.receivedAt,
      });
    } else {
      whole.push(
        messageRow({
          id: ids.take(),
          gateway_id: u.gatewayId,
          carrier_msg_id: u.carrierMsgId,
          mobile: u.mobile,
          dest_id: u.destId,
          ext: u.ext,
          app_id: u.appId,
          text: u.text,
          received_at: u.receivedAt,
        }),
      );
    }
  }
  for (const chunk of chunked(segments, 500)) {
    await tx
      .insertInto('uplink_segments')
      .values(chunk.map((row) => protectSegment(row, protect)))
      .onConflict((oc) => oc.columns(['mobile', 'dest_id', 'ref', 'total', 'part_no']).doNothing())
      .execute();
  }
  // The segment that completes a message lends its id to the message row (ids are unique across
  // tables, and the segment row is deleted), so a record never needs more than one id.
  const groups = new Map<string, SegmentRow>();
  for (const s of segments) groups.set(groupKey(s), s);
  for (const s of groups.values()) {
    const stored = await segmentsOf(tx, s);
    if (stored.length < s.total) continue;
    whole.push(assemble(stored, 'NEW', s.id, protect));
    await deleteSegments(tx, stored);
  }
  const rows = whole.map((row) => protectRow(row, protect));
  // A reply the ministry's feed gave again (a page read twice) is already here: skipped
  // (migration 0050, docs/federation.md §4).
  for (const chunk of chunked(rows, 500))
    await tx
      .insertInto('uplink_messages')
      .values(chunk)
      .onConflict((oc) =>
        // Written out as the index's own predicate: SQLite matches the partial index by its text.
        oc
          .columns(['gateway_id', 'carrier_msg_id'])
          .where(sql<boolean>`carrier_msg_id LIKE 'reply-%'`)
          .doNothing(),
      )
      .execute();
}

/** Messages whose segments stopped arriving: kept as what arrived, marked PARTIAL. */
export async function flushStaleSegments(
  db: Kysely<Database>,
  ids: IdAllocator,
  olderThan: number,
  protect?: UplinkProtector,
): Promise<number> {
  const stale = await db
    .selectFrom('uplink_segments')
    .select(['mobile', 'dest_id', 'ref', 'total'])
    .where('received_at', '<', olderThan)
    .distinct()
    .limit(100)
    .execute();
  if (stale.length === 0) return 0;
  await ids.reserve(stale.length);
  return db.transaction().execute(async (tx) => {
    let flushed = 0;
    for (const group of stale) {
      const stored = await segmentsOf(tx, group);
      if (stored.length === 0) continue;
      await tx
        .insertInto('uplink_messages')
        .values(protectRow(assemble(stored, 'PARTIAL', ids.take(), protect), protect))
        .execute();
      await deleteSegments(tx, stored);
      flushed++;
    }
    return flushed;
  });
}

function segmentsOf(
  tx: Transaction<Database>,
  g: { mobile: string; dest_id: string; ref: number; total: number },
): Promise<SegmentRow[]> {
  return tx
    .selectFrom('uplink_segments')
    .selectAll()
    .where('mobile', '=', g.mobile)
    .where('dest_id', '=', g.dest_id)
    .where('ref', '=', g.ref)
    .where('total', '=', g.total)
    .orderBy('part_no')
    .execute();
}

async function deleteSegments(tx: Transaction<Database>, stored: readonly SegmentRow[]): Promise<void> {
  await tx
    .deleteFrom('uplink_segments')
    .where(
      'id',
      'in',
      stored.map((s) => s.id),
    )
    .execute();
}

/** The segments' text in order; a missing segment shows as "…" so a reader sees the gap. */
function assemble(
  stored: readonly SegmentRow[],
  status: 'NEW' | 'PARTIAL',
  id: number,
  protect: UplinkProtector | undefined,
): UplinkRow {
  const first = stored[0];
  if (!first) throw new Error('assemble: no segments');
  const original = (s: SegmentRow): string =>
    s.text_enc !== null && protect ? protect.open(s.text_enc) : s.text;
  const byPart = new Map(stored.map((s) => [s.part_no, original(s)]));
  const pieces: string[] = [];
  for (let part = 1; part <= first.total; part++) {
    const text = byPart.get(part);
    if (text !== undefined) pieces.push(text);
    else if (pieces.at(-1) !== '…') pieces.push('…');
  }
  const latest = stored.reduce((a, b) => (b.received_at > a.received_at ? b : a));
  return messageRow({
    id,
    gateway_id: first.gateway_id,
    carrier_msg_id: first.carrier_msg_id,
    mobile: first.mobile,
    dest_id: first.dest_id,
    ext: first.ext,
    app_id: first.app_id,
    text: pieces.join(''),
    received_at: latest.received_at,
    concat_ref: first.ref,
    concat_total: first.total,
    status,
  });
}

type MessageFields = Pick<
  UplinkRow,
  'id' | 'gateway_id' | 'carrier_msg_id' | 'mobile' | 'dest_id' | 'ext' | 'app_id' | 'text' | 'received_at'
> &
  Partial<Pick<UplinkRow, 'concat_ref' | 'concat_total' | 'status'>>;

function messageRow(f: MessageFields): UplinkRow {
  return {
    seq: null,
    concat_ref: null,
    concat_total: null,
    concat_part: null,
    status: 'NEW',
    secret_enc: null,
    text_enc: null,
    claimed_until: null,
    // Only messages to the platform itself wait for the command engine.
    handled_at: f.app_id === null ? null : f.received_at,
    ...f,
  };
}

/**
 * Which business system a citizen answers when the number texted carries an extension no account
 * owns as its own (an account without an extension that sent with a request `extCode`): the
 * sender of the latest message to this mobile since `since` whose sender extension starts the
 * texted one. Null when there is none, or when the platform itself sent it (a command's reply: the
 * citizens' engine answers).
 */
export async function replyOwner(
  db: Kysely<Database>,
  mobile: string,
  ext: string,
  since: number,
): Promise<number | null> {
  if (ext === '') return null;
  const rows = await db
    .selectFrom('messages as m')
    .innerJoin('batches as b', 'b.id', 'm.batch_id')
    .select(['b.app_id', 'b.src_ext'])
    .where('m.mobile', '=', mobile)
    // Blocked messages never went out; the condition also lets the mobile index serve the query.
    .where('m.status', '<>', 'BLOCKED')
    .where('m.created_at', '>=', since)
    .where('b.src_ext', '<>', '')
    .orderBy('m.id', 'desc')
    .limit(REPLY_OWNER_CANDIDATES)
    .execute();
  const hit = rows.find((r) => ext.startsWith(r.src_ext));
  return hit === undefined || hit.app_id === SERVICE_APP_ID ? null : hit.app_id;
}

/** A citizen answers one of his latest messages; older ones are not searched. */
const REPLY_OWNER_CANDIDATES = 50;
