import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: migrations create the schema once and are idempotent`, async () => {
    const target = await createTestDatabase(dialect);
    try {
      const first = await openDatabase(target.url);
      const tables = await first.db.introspection.getTables();
      const names = tables.map((t) => t.name);
      for (const t of ['apps', 'batches', 'messages', 'message_parts', 'delivery_reports', 'uplink_messages'])
        assert.ok(names.includes(t), `${t} exists`);
      assert.deepEqual(await migrate(first), [], 'nothing left to apply');
      await first.close();
      const second = await openDatabase(target.url);
      assert.deepEqual(await migrate(second), []);
      await second.close();
    } finally {
      await target.drop();
    }
  });
}

test('an unknown database URL is refused with a clear error', async () => {
  await assert.rejects(openDatabase('mysql://x'), (err: Error) =>
    /ERR_STORE_URL|expected sqlite/.test(`${(err as { code?: string }).code} ${err.message}`),
  );
});

test('an unreachable PostgreSQL is reported, not thrown raw', async () => {
  await assert.rejects(openDatabase('postgres://nobody@127.0.0.1:1/none'), { code: 'ERR_STORE_UNAVAILABLE' });
});

test('postgres: a schema beside another migrated one gets its own bookkeeping', async () => {
  const first = await createTestDatabase('postgres');
  const second = await createTestDatabase('postgres');
  try {
    await (await openDatabase(first.url)).close();
    const handle = await openDatabase(second.url);
    const names = (await handle.db.introspection.getTables()).map((t) => `${t.schema ?? ''}.${t.name}`);
    assert.ok(names.some((n) => n.endsWith('.messages')));
    await handle.close();
  } finally {
    await first.drop();
    await second.drop();
  }
});
