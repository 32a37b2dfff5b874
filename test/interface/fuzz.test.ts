/**
 * A bounded fuzz of what outsiders send (docs/security.md §8), on SQLite and PostgreSQL: random JSON
 * shapes at the interface, random CSVs and workbooks at the console's upload routes (the send
 * preview and a survey's targets). Never a 5xx, never an event-loop stall over a second. Bounded
 * in count and time (about 10 s a database), seeded so a failure can be replayed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const SEED = Number(process.env.FUZZ_SEED ?? 12333);
/** Each half (interface calls, uploads) stops drawing new cases after this, on each database. */
const BUDGET_MS = 5_000;

const FIELDS = [
  'appName',
  'password',
  'mobiles',
  'content',
  'templateId',
  'params',
  'islong',
  'extCode',
  'sendTime',
  'category',
  'clientMsgId',
  'cursor',
  'mobile',
  'scene',
  'code',
];
const PATHS = [
  '/api/sms/send',
  '/api/sms/balance',
  '/api/sms/reports',
  '/api/sms/replies',
  '/api/otp/send',
  '/api/otp/verify',
  '/api/nothing',
];

/** A value of any JSON shape, nested a little, with the strings that tend to hurt. */
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      '',
      ' ',
      '13800138000',
      '+86 138 0013 8000',
      '\u200b【公安局】',
      '{x}',
      '__proto__',
      '%00',
      '1e400',
    ),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS, 'constructor', 'x'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const interfaceCall = fc.record({
  path: fc.constantFrom(...PATHS),
  body: fc.oneof(
    fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 8 }),
    hostileValue,
    fc.string({ maxLength: 60 }),
  ),
  type: fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'application/xml',
  ),
  withCredentials: fc.boolean(),
});

const cell = fc.oneof(
  fc.constantFrom('mobile', '手机号码', '13800138000', '', '"', '=1+1', '\r\n', '张三'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 13_000_000_000, max: 19_999_999_999 }),
);
/** Mostly under a header the readers know, so the rows are read and not only the header refused. */
const header = fc.oneof(
  fc.constant<(string | number)[]>(['mobile', 'name']),
  fc.constant<(string | number)[]>(['手机号码', '姓名']),
  fc.array(cell, { maxLength: 5 }),
);
const table = fc
  .tuple(header, fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 30 }))
  .map(([h, rows]) => [h, ...rows]);

async function xlsx(rows: (string | number)[][]): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream });
  const sheet = writer.addWorksheet('s');
  for (const r of rows) sheet.addRow(r).commit();
  sheet.commit();
  await writer.commit();
  return Buffer.concat(chunks);
}

function csv(rows: (string | number)[][]): string {
  return rows
    .map((r) =>
      r
        .map((c) => (typeof c === 'string' && /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : String(c)))
        .join(','),
    )
    .join('\r\n');
}

for (const dialect of DIALECTS)
  test(`${dialect} fuzz: random requests at the interface and random files at the upload routes`, async (t) => {
    const tp = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => tp.close());
    const app = tp.platform.interfaceApp;
    assert.ok(app);
    const operator = await consoleLogin(
      tp.platform.consoleUrl ?? '',
      await addConsoleUser(tp.platform, 'fuzz.op', ['operator']),
    );
    const apps = await operator.get<{ apps: { id: number }[] }>('send/apps');
    const appId = apps.json.apps[0]?.id ?? 0;
    const survey = await operator.post<{ survey: { id: number } }>('surveys', {
      name: '模糊测试',
      questions: [
        {
          text: '满意吗？',
          options: [
            { code: '1', label: '满意' },
            { code: '2', label: '不满意' },
          ],
        },
      ],
    });
    assert.equal(survey.status, 200, JSON.stringify(survey.json));
    const surveyId = survey.json.survey.id;

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let deadline = Date.now() + BUDGET_MS;
    let calls = 0;
    let uploads = 0;
    /** Uploads each route read and answered 200: the parser was reached, not only the schema. */
    const read = { preview: 0, survey: 0 };

    await fc.assert(
      fc.asyncProperty(interfaceCall, async ({ path, body, type, withCredentials }) => {
        if (Date.now() > deadline) return;
        const payload =
          withCredentials && typeof body === 'object' && body !== null && !Array.isArray(body)
            ? { ...body, appName: tp.appName, password: tp.password }
            : body;
        const encoded =
          type === 'application/x-www-form-urlencoded' && typeof payload === 'object' && payload !== null
            ? new URLSearchParams(
                Object.entries(payload).map(([k, v]): [string, string] => [k, JSON.stringify(v)]),
              ).toString()
            : typeof payload === 'string'
              ? payload
              : JSON.stringify(payload);
        const res = await app.inject({
          method: 'POST',
          url: path,
          headers: { 'content-type': type },
          payload: encoded,
          remoteAddress: '127.0.0.1',
        });
        calls += 1;
        assert.ok(res.statusCode < 500, `${path} ${encoded.slice(0, 200)} → ${res.statusCode} ${res.body}`);
        assert.equal(typeof res.json<{ code: unknown }>().code, 'number');
      }),
      { seed: SEED, numRuns: 400 },
    );

    deadline = Date.now() + BUDGET_MS;
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.constantFrom('csv', 'xlsx', 'garbage'),
        fc.constantFrom('preview', 'survey'),
        async (rows, kind, route) => {
          if (Date.now() > deadline) return;
          const data =
            kind === 'csv'
              ? Buffer.from(csv(rows))
              : kind === 'xlsx'
                ? await xlsx(rows)
                : Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(csv(rows))]);
          const name = `名单.${kind === 'csv' ? 'csv' : 'xlsx'}`;
          const res =
            route === 'preview'
              ? await operator.post('send/preview', {
                  appId,
                  content: '通知{name}',
                  file: { name, data: data.toString('base64') },
                })
              : await operator.post(`surveys/${surveyId}/send`, {
                  file: { name, content: data.toString('base64') },
                });
          uploads += 1;
          if (res.status === 200) read[route] += 1;
          assert.ok(
            res.status < 500,
            `${route} ${kind} ${JSON.stringify(rows).slice(0, 200)} → ${res.status}`,
          );
        },
      ),
      { seed: SEED, numRuns: 16 },
    );
    delay.disable();
    // A survey send started by an upload finishes before the platform closes.
    await eventually(
      async () => {
        const { job } = (
          await operator.get<{ job: { state: string } | null }>(`surveys/${surveyId}/send-progress`)
        ).json;
        return job?.state !== 'running' ? true : undefined;
      },
      20_000,
      'the survey send to finish',
    );
    const max = delay.max / 1e6;
    t.diagnostic(
      `${dialect}: ${calls} interface calls, ${uploads} uploads (read: ${read.preview} previews, ${read.survey} survey sends); event-loop delay max ${max.toFixed(1)} ms`,
    );
    assert.ok(max < 1000, `event loop stalled ${max} ms`);
  });
