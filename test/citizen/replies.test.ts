/** Every reply a citizen can get fits one SMS with the signature, for the longest plausible values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkReplyEdit,
  fitsOneSms,
  LONGEST_VALUES,
  renderReply,
  REPLY_DEFAULTS,
  REPLY_KEYS,
  variablesOf,
} from '../../src/citizen/replies.js';
import { measureText } from '../../src/domain/text/index.js';

const SIGNATURE = '【12333】';

test('every built-in reply, filled with the longest values, is one SMS on every route', () => {
  for (const key of REPLY_KEYS) {
    for (const v of variablesOf(REPLY_DEFAULTS[key]))
      assert.ok(LONGEST_VALUES[v] !== undefined, `${key}: no longest value for {${v}}`);
    const text = SIGNATURE + renderReply(REPLY_DEFAULTS[key], LONGEST_VALUES);
    assert.ok(!/\{[A-Za-z]/.test(text), `${key}: a variable left unfilled`);
    const m = measureText(text, 'cn');
    assert.ok(m.fitsSingle && measureText(text, 'gsm').fitsSingle, `${key}: ${m.units} units: ${text}`);
  }
});

test('an operator edit is refused when it would not fit, names an unknown variable, or is empty', () => {
  assert.equal(checkReplyEdit('resubscribed', '已恢复接收通知短信，谢谢。', SIGNATURE), null);
  assert.match(checkReplyEdit('resubscribed', '已恢复{nobody}', SIGNATURE) ?? '', /未知变量 \{nobody\}/);
  assert.match(checkReplyEdit('bound', `{name}({ssn})${'很'.repeat(40)}`, SIGNATURE) ?? '', /超过一条短信/);
  assert.match(checkReplyEdit('help', '  ', SIGNATURE) ?? '', /不能为空/);
  assert.ok(!fitsOneSms('字'.repeat(64), SIGNATURE));
  assert.ok(fitsOneSms('字'.repeat(63), SIGNATURE));
});
