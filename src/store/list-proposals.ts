/** Proposed changes to the filter rules and lists (migration 0085, docs/security.md §7). */
import type { Kysely, Selectable } from 'kysely';
import type { Proposal, ProposalChange, ProposalStatus } from '../domain/list-proposals.js';
import type { IdAllocator } from './ids.js';
import type { Database, ListProposalsTable } from './schema.js';

function toProposal(r: Selectable<ListProposalsTable>): Proposal {
  return {
    id: r.id,
    change: JSON.parse(r.payload) as ProposalChange,
    note: r.note,
    status: r.status,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
  };
}

export async function addProposal(
  db: Kysely<Database>,
  ids: IdAllocator,
  entry: { change: ProposalChange; note: string | null; by: string },
  now: number,
): Promise<number> {
  await ids.reserve(1);
  const id = ids.take();
  await db
    .insertInto('list_proposals')
    .values({
      id,
      kind: entry.change.kind,
      payload: JSON.stringify(entry.change),
      note: entry.note,
      status: 'pending',
      proposed_by: entry.by,
      proposed_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
    })
    .execute();
  return id;
}

/** Newest first; `by` limits them to one proposer's. */
export async function listProposals(
  db: Kysely<Database>,
  filter: { status?: ProposalStatus | undefined; by?: string | undefined; limit: number },
): Promise<{ proposals: Proposal[]; pending: number }> {
  let query = db.selectFrom('list_proposals').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.by !== undefined) query = query.where('proposed_by', '=', filter.by);
  let pendingQuery = db
    .selectFrom('list_proposals')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', 'pending');
  if (filter.by !== undefined) pendingQuery = pendingQuery.where('proposed_by', '=', filter.by);
  const [rows, pending] = await Promise.all([
    query.orderBy('proposed_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute(),
    pendingQuery.executeTakeFirst(),
  ]);
  return { proposals: rows.map(toProposal), pending: Number(pending?.n ?? 0) };
}

export async function getProposal(db: Kysely<Database>, id: number): Promise<Proposal | null> {
  const row = await db.selectFrom('list_proposals').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toProposal(row) : null;
}

/**
 * Decides a pending proposal, in one conditional update so two administrators deciding at once
 * cannot both win; false when it was no longer pending.
 */
export async function decideProposal(
  db: Kysely<Database>,
  id: number,
  decision: { status: 'approved' | 'rejected'; by: string; note: string | null },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('list_proposals')
    .set({ status: decision.status, decided_by: decision.by, decided_at: now, decision_note: decision.note })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Turns an approval whose change could no longer be made into a rejection saying why. */
export async function markProposalStale(db: Kysely<Database>, id: number, why: string): Promise<void> {
  await db
    .updateTable('list_proposals')
    .set({ status: 'rejected', decision_note: why })
    .where('id', '=', id)
    .execute();
}
