import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../src/backend/index.js';
import { DEMO_PERSONS, demoPersonsCsv, loadDemoPersons } from '../../src/backend/demo-persons.js';
import { EmbeddedBackend } from '../../src/backend/embedded.js';
import { importPersons } from '../../src/backend/import-csv.js';
import { BackendUnavailableError, formatYuan, maskSsn } from '../../src/backend/types.js';
import { validateConfig } from '../../src/config/load.js';
import { isAppError } from '../../src/shared/errors.js';
import { createPersonalDataCipher } from '../../src/security/personal-data.js';
import { countBackendPersons } from '../../src/store/backend-persons.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS, openTestStore } from '../helpers/databases.js';

const KEY = Buffer.alloc(32, 9);
const ZHANG_WEI = DEMO_PERSONS[0]!;
const WITH_X = DEMO_PERSONS.find((p) => p.ssn.endsWith('X'))!;

test('masking and yuan formatting', () => {
  assert.equal(maskSsn('21010219780416107X'), '2101**********107X');
  assert.equal(formatYuan(29), '0.29');
  assert.equal(formatYuan(8_654_321), '86543.21');
  assert.equal(formatYuan(0), '0.00');
});

test('the demo set: 20 people, valid and distinct SSNs, two with X, a shared surname, one without pension', () => {
  assert.equal(DEMO_PERSONS.length, 20);
  assert.equal(new Set(DEMO_PERSONS.map((p) => p.ssn)).size, 20);
  assert.ok(DEMO_PERSONS.filter((p) => p.ssn.endsWith('X')).length >= 1);
  assert.equal(DEMO_PERSONS.filter((p) => p.name.startsWith('张')).length, 2);
  assert.ok(DEMO_PERSONS.some((p) => p.pensionBalanceCents === null));
  assert.match(demoPersonsCsv(), /^ssn,name,servicePassword,insurances,pensionBalance,pensionAsOf,city\r\n/);
});

for (const dialect of DIALECTS) {
  test(`${dialect}: the embedded backend finds, verifies, changes and answers queries`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const cipher = createPersonalDataCipher(KEY);
    assert.equal(await loadDemoPersons(store, cipher), 20);
    assert.equal(await loadDemoPersons(store, cipher), 0, 'loading again adds nobody');
    const backend = new EmbeddedBackend(store, cipher);
    assert.equal(backend.kind, 'embedded');

    const zhang = await backend.findPerson(ZHANG_WEI.ssn);
    assert.deepEqual(zhang, {
      ssn: ZHANG_WEI.ssn,
      name: '张伟',
      insurances: ZHANG_WEI.insurances,
      pension: { balanceCents: 8_654_321, asOf: '2024-05' },
      extra: { city: '沈阳市' },
    });
    const x = await backend.findPerson(WITH_X.ssn.toLowerCase());
    assert.equal(x?.ssn, WITH_X.ssn, 'x in either case finds the person, the answer has X');
    assert.equal(await backend.findPerson('210102196503120114'), null);

    // Nothing readable at rest.
    const raw = await store.db.selectFrom('backend_persons').selectAll().execute();
    assert.equal(raw.length, 20);
    const dump = JSON.stringify(raw);
    for (const p of DEMO_PERSONS) {
      assert.ok(!dump.includes(p.ssn), 'no SSN in the table');
      assert.ok(!dump.includes(p.name), 'no name in the table');
      assert.ok(!dump.includes(p.servicePassword), 'no password in the table');
    }
    assert.ok(!dump.includes('沈阳市'), 'extra fields are encrypted too');

    assert.equal(await backend.verifyServicePassword(ZHANG_WEI.ssn, ZHANG_WEI.servicePassword), 'ok');
    assert.equal(await backend.verifyServicePassword(ZHANG_WEI.ssn, '000000'), 'wrong');
    assert.equal(await backend.verifyServicePassword('210102196503120114', '000000'), 'no-person');
    assert.equal(await backend.changeServicePassword(ZHANG_WEI.ssn, '975310'), 'ok');
    assert.equal(await backend.verifyServicePassword(ZHANG_WEI.ssn, ZHANG_WEI.servicePassword), 'wrong');
    assert.equal(await backend.verifyServicePassword(ZHANG_WEI.ssn, '975310'), 'ok');
    assert.equal(await backend.changeServicePassword('210102196503120114', '975310'), 'no-person');
    assert.equal(await loadDemoPersons(store, cipher), 0);
    assert.equal(await backend.verifyServicePassword(ZHANG_WEI.ssn, '975310'), 'ok', 'a restart keeps it');

    assert.equal(
      await backend.reportCardLoss({ ssn: ZHANG_WEI.ssn, requestNo: 'GS1', mobile: '13800138000' }),
      null,
    );

    assert.deepEqual(await backend.query('person', { ssn: ZHANG_WEI.ssn }), {
      city: '沈阳市',
      name: '张伟',
      ssnMasked: '2101**********0106',
      insurances: ZHANG_WEI.insurances.map((i) => `${i.type}:${i.status}`).join(';'),
      insuranceCount: '4',
      pensionBalance: '86543.21',
      pensionAsOf: '2024-05',
    });
    const sun = DEMO_PERSONS.find((p) => p.pensionBalanceCents === null)!;
    assert.equal((await backend.query('person', { ssn: sun.ssn }))?.pensionBalance, '');
    assert.equal(await backend.query('person', { ssn: '210102196503120114' }), null);
    await assert.rejects(backend.query('balance', { ssn: ZHANG_WEI.ssn }), (err) =>
      isAppError(err, 'ERR_BACKEND_OPERATION'),
    );
    await assert.rejects(backend.query('person', {}), (err) => isAppError(err, 'ERR_BACKEND_OPERATION'));
    await backend.close();
  });

  test(`${dialect}: createBackend from config; a different key is refused; a closed database is "unavailable"`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const handle = await openDatabase(target.url);
    let open = true;
    t.after(() => (open ? handle.close() : undefined));
    const dataKey = KEY.toString('base64');
    const config = validateConfig({ database: { url: target.url }, security: { dataKey } });
    const { backend, keyFileCreated } = await createBackend(config, { handle });
    assert.equal(keyFileCreated, null);
    assert.equal(backend.kind, 'embedded');
    await importPersons(handle, createPersonalDataCipher(KEY), demoPersonsCsv());
    assert.equal(await countBackendPersons(handle.db), 20);
    assert.equal((await backend.findPerson(WITH_X.ssn))?.name, WITH_X.name);

    const otherKey = Buffer.alloc(32, 10).toString('base64');
    await assert.rejects(
      createBackend(validateConfig({ database: { url: target.url }, security: { dataKey: otherKey } }), {
        handle,
      }),
      (err) => isAppError(err, 'ERR_DATA_KEY'),
    );

    await handle.close();
    open = false;
    await assert.rejects(backend.findPerson(WITH_X.ssn), (err) => err instanceof BackendUnavailableError);
  });
}
