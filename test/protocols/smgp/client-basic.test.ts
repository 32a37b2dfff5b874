/**
 * SMGP client against a scripted fake SMGW over loopback: Login, the Submit on the wire (TLVs for
 * long parts), Submit_Resp statuses, reports and uplinks with Deliver_Resp after the handler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import {
  encodeSmgpReport,
  smgpAuthenticatorClient,
  smgpMsgIdFromText,
  smgpMsgIdText,
  smgpTimestampText,
  type SmgpPduOf,
} from '../../../src/protocols/smgp/index.js';
import { FakeSmgw } from './fake-smgw.js';
import { bound, gatewayConfig, noHandlesLeft, partsOf, roundTrip, startGateway } from './client-helpers.js';

const deliver = (
  fields: Partial<SmgpPduOf<'SMGP_DELIVER'>> & { msgContent: Buffer },
): SmgpPduOf<'SMGP_DELIVER'> => ({
  command: 'SMGP_DELIVER',
  sequenceId: 501,
  msgId: Buffer.from('01006101161700000099', 'hex'),
  isReport: 0,
  msgFormat: 0,
  recvTime: '20240102150500',
  srcTermId: '8613300133000',
  destTermId: '1065912333',
  ...fields,
});

test('Login: ClientID, MD5 authenticator over the Beijing timestamp, LoginMode 2, version 0x30', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const [login] = smgw.of('SMGP_LOGIN');
    assert.ok(login);
    assert.equal(login.clientId, '10612333');
    assert.equal(login.loginMode, 2);
    assert.equal(login.clientVersion, 0x30);
    assert.deepEqual(
      login.authenticatorClient,
      smgpAuthenticatorClient('10612333', 'secret', smgpTimestampText(login.timeStamp)),
    );
    assert.equal(gateway.status().state, 'bound');
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('a short submit: the Submit fields on the wire, carrierMsgId = the MsgID as 20 hex characters', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const parts = partsOf('您好，您的社保卡已制好，请到网点领取。', '13300133000');
    const [outcome] = await gateway.submit(parts);
    assert.deepEqual(outcome, { kind: 'accepted', carrierMsgId: '01006101161700000001' });
    assert.equal(outcome.carrierMsgId, smgpMsgIdText(smgw.issued[0]!));
    const [submit] = smgw.of('SMGP_SUBMIT');
    assert.deepEqual(
      { ...submit, sequenceId: 0 },
      {
        command: 'SMGP_SUBMIT',
        sequenceId: 0,
        msgType: 6,
        needReport: 1,
        priority: 1,
        serviceId: 'HRSS12333',
        feeType: '00',
        feeCode: '000000',
        fixedFee: '000000',
        msgFormat: 8,
        validTime: '',
        atTime: '',
        srcTermId: '1065712333',
        chargeTermId: '',
        destTermId: ['13300133000'],
        msgContent: Buffer.from(parts[0]!.segment.payload),
        reserve: '',
        options: {},
      },
    );
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('a long message: one Submit per segment, UDH in MsgContent, TP_udhi / PkTotal / PkNumber TLVs', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const parts = partsOf('社会保障卡'.repeat(30), '13300133000', 0x42); // 150 UCS-2: 3 segments
    assert.equal(parts.length, 3);
    const outcomes = await gateway.submit(parts);
    assert.equal(new Set(outcomes.map((o) => (o.kind === 'accepted' ? o.carrierMsgId : o.kind))).size, 3);
    const submits = smgw
      .of('SMGP_SUBMIT')
      .sort((a, b) => (a.options?.pkNumber ?? 0) - (b.options?.pkNumber ?? 0));
    assert.deepEqual(
      submits.map((s) => s.options),
      [1, 2, 3].map((n) => ({ tpUdhi: 1, pkTotal: 3, pkNumber: n })),
    );
    submits.forEach((s, i) => {
      assert.equal(s.msgContent.subarray(0, 6).toString('hex'), `05000342030${i + 1}`);
      assert.deepEqual(s.msgContent.subarray(6), Buffer.from(parts[i]!.segment.payload));
    });
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('Submit_Resp Status: 1 (busy) and 75 (daily volume) → retry, 47 → rejected SMGP:47, unencodable → rejected', async () => {
  const statuses = [1, 75, 47];
  const smgw = await FakeSmgw.start({ submit: () => ({ status: statuses.shift() ?? 0 }) });
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const [busy] = await gateway.submit(partsOf('a'));
    const [volume] = await gateway.submit(partsOf('b'));
    const [refused] = await gateway.submit(partsOf('c'));
    assert.deepEqual(busy, { kind: 'retry', code: 'SMGP:1', reason: '系统忙 system busy' });
    assert.equal(volume?.kind === 'retry' && volume.code, 'SMGP:75');
    assert.deepEqual(refused, {
      kind: 'rejected',
      code: 'SMGP:47',
      reason: '非法接收用户号码（DestTermId） bad DestTermId',
    });
    const [tooLong] = await gateway.submit(partsOf('d').map((p) => ({ ...p, srcId: '1'.repeat(22) })));
    assert.equal(tooLong?.kind === 'rejected' && tooLong.code, 'SMGP:ENCODE');
    const [fine] = await gateway.submit(partsOf('e'));
    assert.equal(fine?.kind, 'accepted', 'the link survives a local encode error');
    const { counters } = gateway.status();
    assert.deepEqual([counters.retried, counters.rejected, counters.accepted], [2, 2, 1]);
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('a report reaches the handler with the right carrierMsgId, stat and done time; Deliver_Resp only after it settles', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const [outcome] = await gateway.submit(partsOf('验证码 123456', '13300133000'));
    assert.ok(outcome?.kind === 'accepted');
    let release = (): void => undefined;
    recorder.reply = () => new Promise<void>((resolve) => (release = resolve));
    const content = encodeSmgpReport({
      id: smgpMsgIdFromText(outcome.carrierMsgId)!,
      sub: '001',
      dlvrd: '000',
      submitDate: '2401021504',
      doneDate: '2401021505',
      stat: 'UNDELIV',
      err: '005',
      txt: Buffer.alloc(0),
    });
    smgw.connections[0]!.send(deliver({ isReport: 1, msgContent: content }));
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    assert.deepEqual(
      { ...recorder.reports[0]!, receivedAt: 0 },
      {
        gatewayId: 'gw-smgp',
        carrierMsgId: outcome.carrierMsgId,
        stat: 'UNDELIV',
        mobile: '13300133000',
        doneAt: Date.UTC(2024, 0, 2, 7, 5), // 15:05 Beijing
        receivedAt: 0,
      },
    );
    await roundTrip(smgw);
    assert.equal(smgw.of('SMGP_DELIVER_RESP').length, 0, 'no Deliver_Resp while the handler is pending');
    release();
    await smgw.until(() => smgw.of('SMGP_DELIVER_RESP').length === 1, 'Deliver_Resp');
    assert.deepEqual(smgw.of('SMGP_DELIVER_RESP')[0], {
      command: 'SMGP_DELIVER_RESP',
      sequenceId: 501,
      msgId: Buffer.from('01006101161700000099', 'hex'),
      status: 0,
    });
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('uplinks: decoded by MsgFormat after the UDH (TP_udhi TLV), "86" stripped; a failing handler gets Status 1, a bad report 10', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port));
  try {
    await bound(gateway, recorder);
    const conn = smgw.connections[0]!;
    const id = (n: number): Buffer => Buffer.from(`010061011617000000${n}`, 'hex');
    conn.send(
      deliver({
        sequenceId: 1,
        msgId: id(11),
        msgFormat: 8,
        msgContent: Buffer.concat([concatUdh(9, 2, 1), Buffer.from('4f60597d', 'hex')]),
        options: { tpUdhi: 1 },
      }),
    );
    conn.send(
      deliver({ sequenceId: 2, msgId: id(12), msgFormat: 15, msgContent: Buffer.from('c4e3bac3', 'hex') }),
    );
    conn.send(
      deliver({ sequenceId: 3, msgId: id(13), srcTermId: '13300133001', msgContent: Buffer.from('TD') }),
    );
    await smgw.until(() => smgw.of('SMGP_DELIVER_RESP').length === 3, 'three Deliver_Resps');
    assert.deepEqual(
      recorder.uplinks.map((u) => ({ ...u, receivedAt: 0 })),
      [
        ['01006101161700000011', '13300133000', '你好', { reference: 9, total: 2, partNo: 1 }],
        ['01006101161700000012', '13300133000', '你好', null],
        ['01006101161700000013', '13300133001', 'TD', null],
      ].map(([carrierMsgId, mobile, text, concat]) => ({
        gatewayId: 'gw-smgp',
        carrierMsgId,
        mobile,
        destId: '1065912333',
        text,
        receivedAt: 0,
        concat,
      })),
    );
    assert.deepEqual(
      smgw.of('SMGP_DELIVER_RESP').map((r) => [r.sequenceId, r.status]),
      [
        [1, 0],
        [2, 0],
        [3, 0],
      ],
    );
    recorder.reply = () => Promise.reject(new Error('database down'));
    conn.send(deliver({ sequenceId: 4, msgId: id(14), msgContent: Buffer.from('hello') }));
    conn.send(deliver({ sequenceId: 5, msgId: id(15), isReport: 1, msgContent: Buffer.from('garbage') }));
    await smgw.until(() => smgw.of('SMGP_DELIVER_RESP').length === 5, 'two more Deliver_Resps');
    const statuses = new Map(smgw.of('SMGP_DELIVER_RESP').map((r) => [r.sequenceId, r.status]));
    assert.equal(statuses.get(4), 1, 'handler rejected → Status 1 (system busy: deliver again)');
    assert.equal(statuses.get(5), 10, 'unreadable report → Status 10, handler not called');
    assert.equal(recorder.reports.length, 0);
    assert.equal(gateway.status().state, 'bound', 'peer data problems in a Deliver do not cost the link');
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('a wrong secret: Login refused with Status 21, lastError says so, the gateway keeps trying and answers retry', async () => {
  const smgw = await FakeSmgw.start({ secret: 'not-our-secret' });
  const { gateway, recorder } = startGateway(gatewayConfig(smgw.port, { requestTimeoutMs: 300 }));
  try {
    await smgw.until(() => smgw.of('SMGP_LOGIN').length >= 3, 'three Login attempts');
    const status = gateway.status();
    assert.equal(status.bound, 0);
    assert.match(
      status.lastError ?? '',
      /gateway authentication failed: .*Status 21 认证错 authentication error/,
    );
    assert.ok(status.counters.reconnects >= 2);
    assert.equal(gateway.capacity(), 0);
    const [outcome] = await gateway.submit(partsOf('x'));
    assert.equal(outcome?.kind === 'retry' && outcome.code, 'SMGP:NO_LINK');
    assert.ok(recorder.states.every((s) => s.bound === 0));
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('an SMGW whose AuthenticatorServer does not check out is not trusted', async () => {
  const smgw = await FakeSmgw.start({ badServerAuthenticator: true });
  const { gateway } = startGateway(gatewayConfig(smgw.port));
  try {
    await smgw.until(() => smgw.connections.length >= 2, 'a reconnect');
    assert.equal(gateway.status().bound, 0);
    assert.match(gateway.status().lastError ?? '', /AuthenticatorServer/);
  } finally {
    await gateway.close();
    await smgw.close();
  }
});

test('LoginMode from config.smgp; a receive-only link takes no Submit; ServerVersion 0x13 → Submit without FixedFee', async () => {
  const receiveOnly = await FakeSmgw.start();
  const r = startGateway(gatewayConfig(receiveOnly.port, { smgp: { loginMode: 1 }, requestTimeoutMs: 200 }));
  try {
    await bound(r.gateway, r.recorder);
    assert.equal(receiveOnly.of('SMGP_LOGIN')[0]?.loginMode, 1);
    assert.equal(r.gateway.capacity(), 0, 'no link to submit on');
    const [outcome] = await r.gateway.submit(partsOf('x'));
    assert.equal(outcome?.kind === 'retry' && outcome.code, 'SMGP:NO_LINK');
    assert.equal(receiveOnly.of('SMGP_SUBMIT').length, 0);
  } finally {
    await r.gateway.close();
    await receiveOnly.close();
  }
  const legacy = await FakeSmgw.start({ serverVersion: 0x13 });
  const l = startGateway(gatewayConfig(legacy.port));
  try {
    await bound(l.gateway, l.recorder);
    const [outcome] = await l.gateway.submit(partsOf('hello'));
    assert.equal(outcome?.kind, 'accepted');
    const [submit] = legacy.of('SMGP_SUBMIT');
    assert.ok(submit);
    assert.equal(submit.fixedFee, undefined, 'decoded in the 1.3 layout, which has no FixedFee');
    assert.deepEqual(submit.msgContent, Buffer.from('hello'));
  } finally {
    await l.gateway.close();
    await legacy.close();
  }
});

test('submit before start or after close answers retry at once', async () => {
  const smgw = await FakeSmgw.start();
  const { gateway } = startGateway(gatewayConfig(smgw.port));
  await gateway.close();
  const [after] = await gateway.submit(partsOf('x'));
  assert.equal(after?.kind === 'retry' && after.code, 'SMGP:CLOSING');
  assert.equal(gateway.status().state, 'closed');
  await smgw.close();
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
