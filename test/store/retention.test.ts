/**
 * Retention (docs/data-protection.md "Retention") removes exactly what is older than configured —
 * strictly before the cut-off, finished messages only, answered uplinks only, the interface access
 * log after its own days — on both databases,
 * in batches smaller than the backlog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.js';
import { EXPORT_DIR_PREFIX, Retention } from '../../src/pipeline/retention.js';
import { silentLogger } from '../../src/shared/log.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

for (const dialect of DIALECTS) {
  test(`${dialect}: retention prunes exactly what is older than configured`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const db = store.db;
    const retention = validateConfig({
      retention: {
        messagesDays: 30,
        uplinksDays: 10,
        citizenRequestsDays: 5,
        interfaceLogDays: 7,
        exportsDays: 2,
        batch: 10,
      },
    }).retention;
    const msgCut = NOW - 30 * DAY;
    const upCut = NOW - 10 * DAY;
    const reqCut = NOW - 5 * DAY;
    const logCut = NOW - 7 * DAY;

    // Batch 1 holds only old finished messages; batch 2 mixes old and young.
    await db
      .insertInto('batches')
      .values(
        [1, 2].map((id) => ({
          id,
          app_id: 9,
          client_msg_id: null,
          signature: '',
          content: 'x',
          src_ext: '',
          islong: 0,
          category: 'notice',
          send_at: null,
          total: 1,
          created_at: 0,
          response: '{}',
        })),
      )
      .execute();
    const message = (id: number, batch: number, createdAt: number, status: string) => ({
      id,
      batch_id: batch,
      app_id: 9,
      mobile: `1380000${String(id).padStart(4, '0')}`,
      carrier: 'cmcc',
      status,
      segments: 1,
      charged: 1,
      not_before: createdAt,
      created_at: createdAt,
      lease_owner: null,
      lease_until: null,
      gateway_id: null,
      submitted_at: null,
      deadline_at: null,
      done_at: null,
      stat: null,
      error: null,
    });
    const old = Array.from({ length: 25 }, (_, i) => message(100 + i, 1, msgCut - 1 - i, 'DELIVERED'));
    await db
      .insertInto('messages')
      .values([
        ...old,
        message(200, 2, msgCut - 1, 'FAILED'),
        message(201, 2, msgCut, 'DELIVERED'), // exactly at the cut-off: kept
        message(202, 2, msgCut - DAY, 'QUEUED'), // old but not finished: kept
        message(203, 2, NOW, 'DELIVERED'),
      ])
      .execute();
    await db
      .insertInto('delivery_reports')
      .values(
        [100, 200, 201].map((m) => ({
          id: 1000 + m,
          seq: m,
          app_id: 9,
          message_id: m,
          mobile: 'x',
          status: 'DELIVERED',
          stat: 'DELIVRD',
          done_at: 0,
          created_at: 0,
        })),
      )
      .execute();
    await db
      .insertInto('message_parts')
      .values(
        [100, 201].map((m) => ({
          message_id: m,
          part_no: 1,
          total: 1,
          gateway_id: 'g',
          carrier_msg_id: String(m),
          status: 'DELIVERED',
          stat: null,
          submitted_at: 0,
          done_at: 0,
        })),
      )
      .execute();
    const uplink = (id: number, receivedAt: number, handled: boolean) => ({
      id,
      seq: null,
      gateway_id: 'g',
      carrier_msg_id: String(id),
      mobile: '13800000000',
      dest_id: '1065712333',
      ext: '',
      app_id: null,
      text: 'TD#',
      concat_ref: null,
      concat_total: null,
      concat_part: null,
      received_at: receivedAt,
      status: 'NEW',
      secret_enc: null,
      text_enc: null,
      handled_at: handled ? receivedAt : null,
      claimed_until: null,
    });
    await db
      .insertInto('uplink_messages')
      .values([uplink(300, upCut - 1, true), uplink(301, upCut, true), uplink(302, upCut - 1, false)])
      .execute();
    const request = (id: number, createdAt: number) => ({
      id,
      uplink_id: id,
      mobile: '13800000000',
      command: 'TD',
      text_masked: 'TD#',
      outcome: 'unsubscribed',
      reply_key: null,
      reply_message_id: null,
      created_at: createdAt,
    });
    await db
      .insertInto('citizen_requests')
      .values([request(400, reqCut - 1), request(401, reqCut)])
      .execute();

    // 23 calls before the cut-off (more than two batches of 10), one at it, one today.
    const call = (id: number, at: number) => ({
      id,
      at,
      app_name: 'hrss',
      source_ip: '127.0.0.1',
      path: '/api/sms/send',
      code: 8,
      numbers: 0,
      duration_ms: 3,
      msg: '密码错误',
    });
    await db
      .insertInto('interface_access_log')
      .values([
        ...Array.from({ length: 23 }, (_, i) => call(500 + i, logCut - 1 - i * DAY)),
        call(600, logCut),
        call(601, NOW),
      ])
      .execute();

    const root = mkdtempSync(join(tmpdir(), 'sms12333-retention-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const oldDir = join(root, `${EXPORT_DIR_PREFIX}old`);
    const youngDir = join(root, `${EXPORT_DIR_PREFIX}young`);
    const otherDir = join(root, 'someone-elses');
    for (const d of [oldDir, youngDir, otherDir]) mkdirSync(d);
    for (const d of [oldDir, otherDir]) utimesSync(d, (NOW - 3 * DAY) / 1000, (NOW - 3 * DAY) / 1000);
    utimesSync(youngDir, (NOW - DAY) / 1000, (NOW - DAY) / 1000);

    const summary = await new Retention(store, retention, silentLogger(), () => NOW, root).runOnce();
    assert.deepEqual(summary, {
      messages: 26,
      uplinks: 1,
      citizenRequests: 1,
      interfaceLog: 23,
      exportDirs: 1,
    });

    const ids = async (
      table: 'messages' | 'uplink_messages' | 'citizen_requests' | 'batches' | 'interface_access_log',
    ) => (await db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
    assert.deepEqual(await ids('messages'), [201, 202, 203]);
    assert.deepEqual(await ids('batches'), [2]);
    assert.deepEqual(await ids('uplink_messages'), [301, 302]);
    assert.deepEqual(await ids('citizen_requests'), [401]);
    assert.deepEqual(await ids('interface_access_log'), [600, 601]);
    assert.deepEqual(
      (await db.selectFrom('delivery_reports').select('message_id').execute()).map((r) => r.message_id),
      [201],
    );
    assert.deepEqual(
      (await db.selectFrom('message_parts').select('message_id').execute()).map((r) => r.message_id),
      [201],
    );
    assert.deepEqual(readdirSync(root).sort(), [`${EXPORT_DIR_PREFIX}young`, 'someone-elses']);

    const again = await new Retention(store, retention, silentLogger(), () => NOW, root).runOnce();
    assert.deepEqual(again, { messages: 0, uplinks: 0, citizenRequests: 0, interfaceLog: 0, exportDirs: 0 });
  });
}
