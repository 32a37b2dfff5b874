/**
 * Card-loss tickets in the console (§7.3) on SQLite and PostgreSQL: a citizen's LSGS opens a
 * ticket for staff; a case handler lists it with the citizen masked, previews the result SMS,
 * takes it and completes it; the citizen's handset receives exactly the previewed text; a second
 * completion is refused; an operator without `ticket.handle` gets 403; take and complete are
 * operation entries in the audit log. Through `inject()`; the answers are exactly their contracts
 * (contract/tickets.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  completedAnswer,
  ticketsAnswer,
  type TicketsAnswer,
  type TicketView,
} from '../../src/console/contract/tickets.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { person, SIGNATURE, startCitizenRig, withCheck } from '../helpers/citizen.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';

const ZHANG = withCheck('21010219800101123');
const M1 = '13800138000';

for (const dialect of DIALECTS) {
  test(`${dialect}: a case handler takes and completes a card-loss ticket; the citizen gets the result once`, async () => {
    const rig = await startCitizenRig(dialect, [person(ZHANG, '张三丰', '802613')], {
      config: { console: { enabled: true, port: 0 }, citizen: { pollMs: 50 } },
      handsets: true,
    });
    try {
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      const requestNo = /受理号(GS\d+)/.exec(await rig.ask(M1, 'LSGS#'))?.[1];
      assert.ok(requestNo, 'request number in the acceptance reply');
      const consoleApp = rig.platform.consoleApp;
      assert.ok(consoleApp);
      const handler = await consoleLogin(
        consoleApp,
        await addConsoleUser(rig.platform, 'handler', ['case-handler']),
      );
      const operator = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'op', ['operator']));

      const list = await handler.get<TicketsAnswer>('tickets?status=OPEN,HANDLING');
      assert.equal(list.status, 200);
      assert.deepEqual(ticketsAnswer.parse(list.json), list.json, 'the contract, nothing more');
      assert.equal(list.json.total, 1);
      assert.equal(list.json.counts.OPEN, 1);
      const [ticket] = list.json.tickets;
      assert.ok(ticket);
      assert.equal(ticket.requestNo, requestNo);
      assert.equal(ticket.kind, 'card-loss');
      assert.equal(ticket.status, 'OPEN');
      assert.equal(ticket.mobile, '138****8000');
      assert.equal(ticket.name, '张*丰');
      assert.ok(ticket.ssn !== null && ticket.ssn.includes('*') && !ticket.ssn.includes(ZHANG.slice(6, 14)));
      assert.ok(!JSON.stringify(list.json).includes(ZHANG), 'the full SSN is never listed');
      assert.equal((await handler.get<{ total: number }>('tickets?status=DONE')).json.total, 0);
      assert.equal((await handler.get('tickets?status=LOST')).status, 400);
      // Filters: kind and a Beijing time range.
      const count = async (q: string) => (await handler.get<{ total: number }>(`tickets?${q}`)).json.total;
      assert.equal(await count('kind=card-loss'), 1);
      assert.equal(await count('kind=other'), 0);
      assert.equal(await count('from=2000-01-01&to=2000-01-02'), 0);
      assert.equal(await count('from=2000-01-01'), 1);
      assert.equal((await handler.get('tickets?from=yesterday')).status, 400);

      // Without ticket.handle: refused, and nothing changes.
      for (const res of [
        await operator.get('tickets'),
        await operator.post(`tickets/${requestNo}/take`),
        await operator.post(`tickets/${requestNo}/complete`, { result: 'done' }),
      ]) {
        assert.equal(res.status, 403);
        assert.equal((res.json as { code?: string }).code, 'FORBIDDEN');
      }

      // The full identity only for the handler who took the ticket, while working on it.
      const early = await handler.post<{ code: string }>(`tickets/${requestNo}/identity`);
      assert.deepEqual([early.status, early.json.code], [403, 'TICKET_NOT_YOURS']);
      const taken = await handler.post<{ ticket: TicketView }>(`tickets/${requestNo}/take`);
      assert.equal(taken.status, 200);
      assert.equal(taken.json.ticket.status, 'HANDLING');
      assert.equal(taken.json.ticket.assignee, 'handler');
      assert.equal((await handler.post(`tickets/${requestNo}/take`)).status, 409, 'taken once');
      const identity = await handler.post<{ name: string; ssn: string; mobile: string }>(
        `tickets/${requestNo}/identity`,
      );
      assert.equal(identity.status, 200);
      assert.deepEqual([identity.json.name, identity.json.ssn, identity.json.mobile], ['张三丰', ZHANG, M1]);

      const preview = await handler.get<{ text: string }>(`tickets/${requestNo}/preview?result=done`);
      assert.equal(preview.status, 200);
      assert.ok(preview.json.text.startsWith(SIGNATURE));
      assert.ok(preview.json.text.includes(requestNo));
      assert.equal(
        (await handler.get(`tickets/${requestNo}/preview?result=rejected&text=${'很长'.repeat(10)}`)).status,
        400,
        'a result text longer than one SMS allows',
      );

      const before = (await rig.inbox(M1)).length;
      const done = await handler.post<{ ticket: TicketView }>(`tickets/${requestNo}/complete`, {
        result: 'done',
      });
      assert.equal(done.status, 200);
      assert.deepEqual(completedAnswer.parse(done.json), done.json);
      assert.equal(done.json.ticket.status, 'DONE');
      const received = await rig.nth(M1, before + 1);
      assert.equal(SIGNATURE + received, preview.json.text, 'the citizen gets the previewed result');

      const again = await handler.post<{ code: string }>(`tickets/${requestNo}/complete`, {
        result: 'rejected',
        text: '信息不符',
      });
      assert.equal(again.status, 409);
      assert.equal(again.json.code, 'TICKET_COMPLETED');
      assert.equal((await handler.post(`tickets/${requestNo}/identity`)).status, 403, 'not after completion');
      assert.equal((await handler.post(`tickets/GS99999999/complete`, { result: 'done' })).status, 404);
      const finished = await handler.get<{ tickets: TicketView[] }>('tickets?status=DONE,REJECTED');
      assert.deepEqual(
        finished.json.tickets.map((t) => [t.requestNo, t.status, t.assignee]),
        [[requestNo, 'DONE', 'handler']],
      );
      // The refused completion queued nothing: BD, LSGS and the result are all this phone got.
      const messages = await rig.platform.handle.db
        .selectFrom('messages')
        .select('id')
        .where('mobile', '=', M1)
        .execute();
      assert.equal(messages.length, before + 1);

      const actions = (await searchAudit(rig.platform.handle.db, { actionContains: 'ticket.' }, 0, 50))
        .map((e) => `${e.kind}:${e.action}:${e.result}:${e.actor}`)
        .reverse();
      assert.deepEqual(actions, [
        'operation:ticket.identity:denied:handler',
        'operation:ticket.take:ok:handler',
        'operation:ticket.take:failed:handler',
        'operation:ticket.identity:ok:handler',
        'operation:ticket.complete:ok:handler',
        'operation:ticket.complete:failed:handler',
        'operation:ticket.identity:denied:handler',
        'operation:ticket.complete:failed:handler',
      ]);
    } finally {
      await rig.close();
    }
  });
}
