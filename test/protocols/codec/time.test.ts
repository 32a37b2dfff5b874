import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentText } from '../../../src/domain/text/index.js';
import { absoluteTime, validityField } from '../../../src/protocols/codec/time.js';
import type { SubmitPart } from '../../../src/protocols/gateway.js';
import { submitBodyOf as cmppSubmit } from '../../../src/protocols/cmpp/client-mapping.js';
import { submitBodyOf as sgipSubmit } from '../../../src/protocols/sgip/client-mapping.js';
import { submitBodyOf as smgpSubmit } from '../../../src/protocols/smgp/client-mapping.js';
import { DEFAULT_SMPP_OPTIONS, submitJobsOf } from '../../../src/protocols/smpp/client-mapping.js';

// 2026-12-07 18:30:05 Beijing time.
const AT = Date.UTC(2026, 11, 7, 10, 30, 5);

test('the SMPP absolute time: Beijing wall clock, tenths 0, 32 quarter-hours ahead of UTC', () => {
  assert.equal(absoluteTime(AT), '261207183005032+');
  assert.equal(absoluteTime(AT + 500), '261207183005032+', 'tenths are not sent');
  assert.equal(validityField(null), '');
  assert.equal(validityField(undefined), '');
});

test('every protocol sends the part’s validity in its submit; none leaves the carrier’s default', () => {
  const [segment] = segmentText('【人社】验证码 123456', 'cn', 0);
  const part: SubmitPart = {
    messageId: 1,
    mobile: '13800138000',
    srcId: '1065712333',
    segment: segment!,
    wantReport: true,
    validUntil: AT,
  };
  const sgip = { serviceId: 'HRSS', sgip: { corpId: '12345', reportFlag: 1 as const } };
  const expected = '261207183005032+';
  assert.equal(cmppSubmit(part, { account: '901234', serviceId: 'HRSS' }).valIdTime, expected);
  assert.equal(sgipSubmit(part, sgip).expireTime, expected);
  assert.equal(smgpSubmit(part, { serviceId: 'HRSS' }).validTime, expected);
  assert.equal(submitJobsOf([part], DEFAULT_SMPP_OPTIONS)[0]?.body.validityPeriod, expected);
  const open = { ...part, validUntil: null };
  assert.equal(cmppSubmit(open, { account: '901234', serviceId: 'HRSS' }).valIdTime, '');
  assert.equal(submitJobsOf([open], DEFAULT_SMPP_OPTIONS)[0]?.body.validityPeriod, '');
});
