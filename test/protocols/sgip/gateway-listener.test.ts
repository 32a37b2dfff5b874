/**
 * The gateway's own SGIP listener (docs/protocols.md §2, §9 item 4): the SMG binds with Login Type 2 and the
 * configured credentials, delivers REPORTs and DELIVERs, each answered only after the handler
 * settled; wrong credentials, garbage and a lying length cost that link only; several SMG links.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Gateway } from '../../../src/protocols/gateway.js';
import { encodeSgip, type SgipPduOf } from '../../../src/protocols/sgip/index.js';
import {
  bound,
  freePort,
  noHandlesLeft,
  type Recorder,
  sgipConfig,
  SMG_LOGIN,
  SMG_PASSWORD,
  SP_ACCOUNT,
  SP_SECRET,
  startGateway,
} from './gateway-helpers.js';
import { openRawClient, RawSgipServer, type RawLink } from './raw-peers.js';

async function withGateway(
  body: (g: { gateway: Gateway; recorder: Recorder; port: number; fake: RawSgipServer }) => Promise<void>,
): Promise<void> {
  const fake = await RawSgipServer.start({ login: { name: SP_ACCOUNT, password: SP_SECRET } });
  const port = await freePort();
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, port));
  try {
    await bound(gateway, recorder);
    await body({ gateway, recorder, port, fake });
  } finally {
    await gateway.close();
    await fake.close();
  }
}

/** A SUBMIT body: the SMG has no business sending one to the SP. */
const submitFields = {
  spNumber: '1',
  chargeNumber: '',
  userNumber: ['8613012345678'],
  corpId: '',
  serviceType: '',
  feeType: 1,
  feeValue: '',
  givenValue: '',
  agentFlag: 0,
  morelatetoMtFlag: 2,
  priority: 0,
  expireTime: '',
  scheduleTime: '',
  reportFlag: 1,
  tpPid: 0,
  tpUdhi: 0,
  messageCoding: 0,
  messageType: 0,
  messageContent: Buffer.from('x'),
};

async function smgLink(port: number): Promise<RawLink> {
  const link = await openRawClient(port, 101231);
  const resp = await link.bind(2, SMG_LOGIN, SMG_PASSWORD);
  assert.equal(resp.result, 0);
  return link;
}

const report = (link: RawLink, counter: number, state = 0, errorCode = 0): SgipPduOf<'SGIP_REPORT'> => ({
  command: 'SGIP_REPORT',
  ...link.seq(),
  submitSequenceNode: 3010012333,
  submitSequenceTime: 1120203225,
  submitSequenceCounter: counter,
  reportType: 0,
  userNumber: '8613012345678',
  state,
  errorCode,
});

const deliver = (link: RawLink, text: string): SgipPduOf<'SGIP_DELIVER'> => ({
  command: 'SGIP_DELIVER',
  ...link.seq(),
  userNumber: '8613012345678',
  spNumber: '106550123330001',
  tpPid: 0,
  tpUdhi: 0,
  messageCoding: 0,
  messageContent: Buffer.from(text, 'latin1'),
});

test('a REPORT is answered only after the handler settled; a failing handler gets Result 11 (node busy)', async () => {
  await withGateway(async ({ recorder, port }) => {
    const link = await smgLink(port);
    let release = (): void => undefined;
    recorder.reply = () => new Promise<void>((resolve) => (release = resolve));
    const first = report(link, 17, 2, 25);
    link.send(first);
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    assert.deepEqual(
      { ...recorder.reports[0]!, doneAt: 0, receivedAt: 0 },
      {
        gatewayId: 'cucc-test',
        carrierMsgId: '3010012333-1120203225-17',
        stat: 'SGIP:25',
        mobile: '13012345678',
        doneAt: 0,
        receivedAt: 0,
      },
    );
    // A round trip on the same link: anything answered before it would have arrived by now.
    const unknown = link.seq();
    link.send({ command: 'SGIP_SUBMIT', ...unknown, ...submitFields });
    assert.equal((await link.answerTo(unknown, 'SGIP_SUBMIT_RESP')).result, 7, 'an SP serves no SUBMIT');
    assert.equal(link.of('SGIP_REPORT_RESP').length, 0, 'no REPORT_RESP while the handler is pending');
    release();
    assert.equal((await link.answerTo(first, 'SGIP_REPORT_RESP')).result, 0);

    recorder.reply = () => Promise.reject(new Error('database down'));
    const second = deliver(link, 'TD');
    link.send(second);
    assert.equal((await link.answerTo(second, 'SGIP_DELIVER_RESP')).result, 11);
    assert.equal(recorder.uplinks[0]?.text, 'TD');
  });
});

test('a report on a forwarded DELIVER (ReportType 1) is acknowledged but not handed on; UNBIND is answered', async () => {
  await withGateway(async ({ recorder, port }) => {
    const link = await smgLink(port);
    const forwarded = { ...report(link, 1), reportType: 1 };
    assert.equal((await link.request(forwarded, 'SGIP_REPORT_RESP')).result, 0);
    assert.equal(recorder.reports.length, 0);
    await link.request({ command: 'SGIP_UNBIND', ...link.seq() }, 'SGIP_UNBIND_RESP');
    await link.until(() => link.closed, 'the listener closes after UNBIND');
  });
});

test('wrong credentials get Result 1, a wrong Login Type Result 4, a PDU before BIND nothing; each link closes', async () => {
  await withGateway(async ({ gateway, recorder, port }) => {
    const wrongPassword = await openRawClient(port);
    assert.equal((await wrongPassword.bind(2, SMG_LOGIN, 'guess')).result, 1);
    await wrongPassword.until(() => wrongPassword.closed, 'closed after Result 1');
    const wrongType = await openRawClient(port);
    assert.equal((await wrongType.bind(1, SMG_LOGIN, SMG_PASSWORD)).result, 4);
    await wrongType.until(() => wrongType.closed, 'closed after Result 4');
    const eager = await openRawClient(port);
    eager.send(report(eager, 1));
    await eager.until(() => eager.closed, 'closed without a bind');
    assert.equal(eager.received.length, 0);
    assert.equal(recorder.reports.length, 0);
    assert.match(gateway.status().lastError ?? '', /Result 4/);
    assert.equal(gateway.status().counters.errors, 2);
  });
});

test('garbage and a lying MessageLength close that link only; several SMG links are served at once', async () => {
  await withGateway(async ({ recorder, port }) => {
    const a = await smgLink(port);
    const b = await smgLink(port);
    const garbage = await smgLink(port);
    garbage.socket.write(Buffer.from('ffffffff00000004', 'hex'));
    await garbage.until(() => garbage.closed, 'the garbage link closed');
    const liar = await smgLink(port);
    const frame = encodeSgip(deliver(liar, 'hello'));
    frame.writeUInt32BE(500, frame.length - 8 - 5 - 4); // MessageLength says 500, 5 are there
    liar.socket.write(frame);
    await liar.until(() => liar.closed, 'the lying link closed');
    const fromA = report(a, 5);
    const fromB = deliver(b, 'CBXX#');
    a.send(fromA);
    b.send(fromB);
    assert.equal((await a.answerTo(fromA, 'SGIP_REPORT_RESP')).result, 0);
    assert.equal((await b.answerTo(fromB, 'SGIP_DELIVER_RESP')).result, 0);
    assert.equal(recorder.reports[0]?.carrierMsgId, '3010012333-1120203225-5');
    assert.equal(recorder.uplinks[0]?.text, 'CBXX#');
    assert.equal(recorder.uplinks.length, 1, 'the lying DELIVER never reached the handler');
    const late = await smgLink(port);
    assert.ok(!late.closed, 'the listener still accepts');
  });
});

test('an SMG that delivers on the SP → SMG link is served there too', async () => {
  await withGateway(async ({ recorder, fake }) => {
    const link = fake.links[0]!;
    const pdu = report(link, 9);
    link.send(pdu);
    assert.equal((await link.answerTo(pdu, 'SGIP_REPORT_RESP')).result, 0);
    assert.equal(recorder.reports[0]?.carrierMsgId, '3010012333-1120203225-9');
  });
});

test('close() answers what its handlers still hold, says UNBIND to the SMG, and closes the listener', async () => {
  const fake = await RawSgipServer.start({ login: { name: SP_ACCOUNT, password: SP_SECRET } });
  const port = await freePort();
  const { gateway, recorder } = startGateway(sgipConfig(fake.port, port));
  await bound(gateway, recorder);
  const link = await smgLink(port);
  let release = (): void => undefined;
  recorder.reply = () => new Promise<void>((resolve) => (release = resolve));
  const pdu = report(link, 3);
  link.send(pdu);
  await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
  const closing = gateway.close();
  release();
  assert.equal((await link.answerTo(pdu, 'SGIP_REPORT_RESP')).result, 0);
  await link.until(() => link.of('SGIP_UNBIND').length === 1 && link.closed, 'UNBIND and close');
  await closing;
  await fake.close();
  const refused = await openRawClient(port).then(
    () => false,
    () => true,
  );
  assert.ok(refused, 'nothing listens any more');
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
