/**
 * Proposed changes to the filter rules and lists (contract/proposals.ts; docs/security.md §7). The
 * sensitive words and the black and white lists are the security administrator's (`list.manage`):
 * an operator (`list.propose`) proposes a change — add, change or remove a word, add a number to or
 * remove one from a list — and nothing happens until an administrator other than the proposer
 * approves it, which makes the change, or rejects it. Proposing and deciding are audited; numbers
 * appear masked in the answers and the audit log.
 */
import { can } from '../../domain/console-roles.js';
import { loosens, type Proposal, type ProposalChange } from '../../domain/list-proposals.js';
import { pastedNumbers } from '../../domain/phone.js';
import { pastedWords } from '../../domain/sensitive-words.js';
import { maskMobile } from '../../shared/log.js';
import {
  addProposal,
  decideProposal,
  getProposal,
  listProposals,
  markProposalStale,
} from '../../store/list-proposals.js';
import { addNumbers, removeNumber } from '../../store/number-lists.js';
import {
  addSensitiveWords,
  listSensitiveWords,
  removeSensitiveWord,
  updateSensitiveWordAction,
} from '../../store/sensitive-words.js';
import {
  proposalAdded,
  proposalDecision,
  proposalRequest,
  proposalsAnswer,
  proposalsQuery,
  type ProposalAdded,
  type ProposalDecision,
  type ProposalRequest,
  type ProposalsAnswer,
  type ProposalView,
} from '../contract/proposals.js';
import { idParams, requestSchema, responseSchema } from '../contract/schema.js';
import type { ConsoleContext, ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { MAX_PASTED } from './lists.js';
import { MAX_WORDS_AT_ONCE } from './words.js';

const SHOWN = 50;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function view(p: Proposal): ProposalView {
  const c = p.change;
  const mobiles = c.kind === 'list.add' ? c.mobiles : c.kind === 'list.remove' ? [c.mobile] : [];
  const words =
    c.kind === 'word.add' ? c.words : c.kind === 'list.add' || c.kind === 'list.remove' ? [] : [c.word];
  return {
    id: p.id,
    kind: c.kind,
    status: p.status,
    loosens: loosens(c),
    words: words.slice(0, SHOWN),
    action: 'action' in c ? c.action : null,
    from: c.kind === 'word.update' ? c.from : null,
    list: 'list' in c ? c.list : null,
    mobiles: mobiles.slice(0, SHOWN).map(maskMobile),
    count: words.length + mobiles.length,
    note: p.note,
    proposedBy: p.proposedBy,
    proposedAt: new Date(p.proposedAt).toISOString(),
    decidedBy: p.decidedBy,
    decidedAt: iso(p.decidedAt),
    decisionNote: p.decisionNote,
  };
}

/** What the audit log keeps of a change: words as they are, numbers masked and counted. */
function auditDetail(c: ProposalChange): Record<string, unknown> {
  switch (c.kind) {
    case 'list.add':
      return {
        kind: c.kind,
        list: c.list,
        count: c.mobiles.length,
        first: c.mobiles.slice(0, 5).map(maskMobile),
      };
    case 'list.remove':
      return { kind: c.kind, list: c.list, mobile: maskMobile(c.mobile) };
    case 'word.add':
    case 'word.update':
    case 'word.remove':
      return { ...c };
  }
}

/** The change a request proposes, checked against what is listed now. */
async function changeOf(
  ctx: ConsoleContext,
  body: ProposalRequest,
): Promise<{ change: ProposalChange; invalid: string[] }> {
  const db = ctx.deps.handle.db;
  const need = <T>(value: T | undefined, field: string): T => {
    if (value === undefined) throw consoleError('INVALID', `缺少 ${field}`, { field });
    return value;
  };
  switch (body.kind) {
    case 'word.add': {
      const words = pastedWords(need(body.words, 'words'));
      if (words.length === 0 || words.length > MAX_WORDS_AT_ONCE)
        throw consoleError('INVALID', `一次添加 1–${MAX_WORDS_AT_ONCE} 个敏感词`, { field: 'words' });
      return { change: { kind: 'word.add', words, action: need(body.action, 'action') }, invalid: [] };
    }
    case 'word.update':
    case 'word.remove': {
      const id = need(body.wordId, 'wordId');
      const word = (await listSensitiveWords(db)).find((w) => w.id === id);
      if (!word) throw consoleError('WORD_NOT_FOUND');
      const change: ProposalChange =
        body.kind === 'word.remove'
          ? { kind: 'word.remove', wordId: id, word: word.word, action: word.action }
          : {
              kind: 'word.update',
              wordId: id,
              word: word.word,
              from: word.action,
              action: need(body.action, 'action'),
            };
      return { change, invalid: [] };
    }
    case 'list.add': {
      const { valid, invalid } = pastedNumbers(need(body.numbers, 'numbers'));
      if (valid.length + invalid.length > MAX_PASTED)
        throw consoleError('INVALID', `一次最多添加 ${MAX_PASTED} 个号码`, { max: MAX_PASTED });
      if (valid.length === 0)
        throw consoleError('LIST_NO_NUMBERS', undefined, { invalid: invalid.slice(0, SHOWN) });
      return { change: { kind: 'list.add', list: need(body.list, 'list'), mobiles: valid }, invalid };
    }
    case 'list.remove': {
      const list = need(body.list, 'list');
      let mobile: string;
      try {
        mobile = ctx.deps.cipher.decrypt(need(body.key, 'key'));
      } catch {
        throw consoleError('LIST_NOT_LISTED');
      }
      return { change: { kind: 'list.remove', list, mobile }, invalid: [] };
    }
  }
}

/** Makes an approved change; null when its target is gone (the proposal then ends rejected). */
async function apply(ctx: ConsoleContext, p: Proposal, by: string): Promise<Record<string, unknown> | null> {
  const db = ctx.deps.handle.db;
  const c = p.change;
  switch (c.kind) {
    case 'word.add': {
      const r = await addSensitiveWords(
        db,
        ctx.services().ids,
        { words: c.words, action: c.action, note: p.note, by },
        ctx.now(),
      );
      if (r.added.length > 0) ctx.services().sensitiveWords.invalidate();
      return r;
    }
    case 'word.update': {
      const word = await updateSensitiveWordAction(db, c.wordId, c.action);
      if (word) ctx.services().sensitiveWords.invalidate();
      return word && { word: word.word, action: word.action };
    }
    case 'word.remove': {
      const word = await removeSensitiveWord(db, c.wordId);
      if (word !== null) ctx.services().sensitiveWords.invalidate();
      return word === null ? null : { removed: word };
    }
    case 'list.add':
      return { added: await addNumbers(db, c.list, c.mobiles, p.note, ctx.now()) };
    case 'list.remove':
      return (await removeNumber(db, c.list, c.mobile)) ? { removed: 1 } : null;
  }
}

export const proposalsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('list.manage', 'list.propose');
  const manage = ctx.allow('list.manage');

  app.get<{ Querystring: { status?: Proposal['status'] } }>(
    '/console/api/proposals',
    {
      preHandler: guard,
      schema: { querystring: requestSchema(proposalsQuery), response: responseSchema(proposalsAnswer) },
    },
    async (request): Promise<ProposalsAnswer> => {
      const { user } = ctx.current(request);
      // An operator sees their own proposals; the administrator sees everyone's.
      const by = can(user.roles, 'list.manage') ? undefined : user.username;
      const found = await listProposals(db, { status: request.query.status, by, limit: 200 });
      return { pending: found.pending, proposals: found.proposals.map(view) };
    },
  );

  app.post<{ Body: ProposalRequest }>(
    '/console/api/proposals',
    {
      preHandler: guard,
      schema: { body: requestSchema(proposalRequest), response: responseSchema(proposalAdded) },
    },
    async (request): Promise<ProposalAdded> => {
      const { change, invalid } = await changeOf(ctx, request.body);
      const note = request.body.note?.trim() ?? '';
      const id = await addProposal(
        db,
        ctx.services().ids,
        { change, note: note === '' ? null : note, by: ctx.current(request).user.username },
        ctx.now(),
      );
      await ctx.audit(request, {
        kind: 'data',
        action: 'proposal.add',
        target: `proposal:${id}`,
        result: 'ok',
        detail: auditDetail(change),
      });
      const v = view({
        id,
        change,
        note: null,
        status: 'pending',
        proposedBy: '',
        proposedAt: 0,
        decidedBy: null,
        decidedAt: null,
        decisionNote: null,
      });
      return { id, count: v.count, invalid: invalid.slice(0, SHOWN) };
    },
  );

  const decide =
    (status: 'approved' | 'rejected') =>
    async (
      request: { params: { id: string }; body: ProposalDecision | undefined } & Parameters<
        ConsoleContext['current']
      >[0],
    ) => {
      const id = Number(request.params.id);
      const p = Number.isSafeInteger(id) ? await getProposal(db, id) : null;
      if (!p) throw consoleError('PROPOSAL_NOT_FOUND');
      const { username } = ctx.current(request).user;
      const action = status === 'approved' ? 'proposal.approve' : 'proposal.reject';
      const target = `proposal:${p.id}`;
      if (p.proposedBy === username) {
        await ctx.audit(request, {
          kind: 'operation',
          action,
          target,
          result: 'denied',
          detail: { reason: 'own' },
        });
        throw consoleError('PROPOSAL_OWN');
      }
      const note = request.body?.note?.trim() ?? '';
      if (
        !(await decideProposal(
          db,
          p.id,
          { status, by: username, note: note === '' ? null : note },
          ctx.now(),
        ))
      )
        throw consoleError('PROPOSAL_DECIDED');
      const detail = { ...auditDetail(p.change), proposedBy: p.proposedBy };
      if (status === 'rejected') {
        await ctx.audit(request, { kind: 'operation', action, target, result: 'ok', detail });
        return { ok: true };
      }
      const effect = await apply(ctx, p, username);
      await ctx.audit(request, {
        kind: 'data',
        action,
        target,
        result: effect ? 'ok' : 'failed',
        detail: { ...detail, effect },
      });
      if (!effect) {
        const word = p.change.kind === 'word.update' || p.change.kind === 'word.remove';
        await markProposalStale(db, p.id, word ? '敏感词已不存在' : '号码已不在名单中');
        throw consoleError(word ? 'WORD_NOT_FOUND' : 'LIST_NOT_LISTED');
      }
      return { ok: true, effect };
    };

  const decisionSchema = { params: requestSchema(idParams), body: requestSchema(proposalDecision) };
  app.post<{ Params: { id: string }; Body: ProposalDecision }>(
    '/console/api/proposals/:id/approve',
    { preHandler: manage, schema: decisionSchema },
    decide('approved'),
  );
  app.post<{ Params: { id: string }; Body: ProposalDecision }>(
    '/console/api/proposals/:id/reject',
    { preHandler: manage, schema: decisionSchema },
    decide('rejected'),
  );
};
