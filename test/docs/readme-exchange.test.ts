/**
 * The README's citizen exchange ("短信指令 Citizen commands", "An exchange") is replayed against a
 * running platform holding the demo people `npm start` loads: every line a newcomer reads there is
 * what the platform answers, so the example can be typed on the console's handset page as it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO_PERSONS } from '../../src/backend/demo-persons.js';
import { completeAndNotify } from '../../src/citizen/ticket-results.js';
import { startCitizenRig } from '../helpers/citizen.js';

const HANDSET = '13912345678';
const STAFF = /\s+\(when staff complete it\)$/;

function readmeExchange(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf('An exchange (`【12333】` omitted)');
  assert.ok(at >= 0, 'the README has its exchange');
  const block = /```\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  assert.ok(block, 'the exchange is a code block');
  return block.split('\n').filter((l) => l.trim() !== '');
}

/** Request numbers differ from run to run. */
const norm = (text: string): string => text.replace(/GS\d{8,}/g, 'GS…');

test('the README exchange is what a citizen gets from the demo people', async () => {
  const lines = readmeExchange();
  assert.ok(lines.length >= 10);
  const rig = await startCitizenRig('sqlite', DEMO_PERSONS);
  try {
    let requestNo: string | undefined;
    for (let i = 0; i < lines.length;) {
      const line = lines[i] ?? '';
      if (line.startsWith('→ ')) {
        const expected: string[] = [];
        for (i++; lines[i]?.startsWith('← ') && !STAFF.test(lines[i] ?? ''); i++)
          expected.push((lines[i] ?? '').slice(2).trim());
        const got = await rig.askAll(HANDSET, line.slice(2).trim(), expected.length);
        requestNo = /受理号(GS\d+)/.exec(got.join(' '))?.[1] ?? requestNo;
        assert.deepEqual(got.map(norm).sort(), expected.map(norm).sort(), `answer to ${line}`);
      } else if (line.startsWith('← ') && STAFF.test(line)) {
        assert.ok(requestNo, 'a request number came before the result');
        const before = (await rig.inbox(HANDSET)).length;
        const done = await completeAndNotify(rig.platform.citizens.tickets, requestNo, {
          result: 'done',
          text: null,
          by: 'staff',
        });
        assert.ok(done);
        assert.equal(norm(await rig.nth(HANDSET, before + 1)), norm(line.slice(2).replace(STAFF, '').trim()));
        i++;
      } else assert.fail(`a line of the exchange that is neither sent nor received: ${line}`);
    }
  } finally {
    await rig.close();
  }
});
