/**
 * An idle platform does not spin (docs/design.md §7): with nothing due, the dispatcher claims once
 * per poll, not back to back; a message sent afterwards still leaves at once (the wake-up path).
 * Counted in claim statements over a fixed span, never timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const SPAN_MS = 2000;
const POLL_MS = 200;

for (const dialect of DIALECTS) {
  test(`${dialect}: an idle platform claims about once per poll, and still sends at once`, async (t) => {
    const tp = await startTestPlatform(dialect, { config: { dispatcher: { pollMs: POLL_MS } } });
    t.after(() => tp.close());
    const { dispatcher, router } = tp.platform;
    await eventually(() => (router.linkedCarriers().length > 0 ? true : undefined));

    const before = dispatcher.counters.claims;
    await new Promise((r) => setTimeout(r, SPAN_MS));
    const claims = dispatcher.counters.claims - before;
    // One per poll plus a few wake-ups (sweeps, link events); spinning ran thousands in this span.
    assert.ok(claims <= (SPAN_MS / POLL_MS) * 2 + 5, `${claims} claims in ${SPAN_MS} ms idle`);
    assert.equal(dispatcher.counters.claimed, 0);

    const sent = await tp.post('/api/sms/send', {
      appName: tp.appName,
      password: tp.password,
      mobiles: '13800138000',
      content: '您的社保卡已制作完成。',
    });
    assert.equal(sent.json.code, 1, JSON.stringify(sent.json));
    await eventually(() => (tp.sim.inbox('13800138000').length > 0 ? true : undefined));
  });
}
