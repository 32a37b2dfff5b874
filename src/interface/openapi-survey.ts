/** OpenAPI paths of the survey calls (routes-survey.ts), merged into the interface's document. */
const credentials = {
  appName: { type: 'string', description: '业务系统账户, named in citizen.surveyApps' },
  password: { type: 'string', description: '客户端接入密码 (client access password)' },
} as const;

const result = {
  type: 'object',
  required: ['code', 'msg'],
  properties: { code: { type: 'integer' }, msg: { type: 'string' }, field: { type: 'string' } },
} as const;

const bodies = (schema: object) => ({
  required: true,
  content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } },
});

const ok = (description: string, properties: object) => ({
  '200': {
    description,
    content: { 'application/json': { schema: { allOf: [result, { type: 'object', properties }] } } },
  },
});

const surveyId = { type: 'string', pattern: '^\\d+$', description: 'from /api/survey/create' };
const when = {
  type: 'string',
  description: 'yyyy-MM-dd HH:mm:ss or yyyyMMddHHmmss (Beijing time), or ISO 8601 with offset',
};

const option = {
  oneOf: [
    { type: 'string', description: 'a label; numbered 1, 2, 3… by its place' },
    {
      type: 'object',
      required: ['code', 'label'],
      properties: {
        code: { type: 'string', pattern: '^(\\d{1,2}|[A-Za-z])$', description: 'what the citizen replies' },
        label: { type: 'string', maxLength: 20 },
      },
    },
  ],
} as const;

export const SURVEY_PATHS = {
  '/api/survey/create': {
    post: {
      summary: '创建调查 Create a survey (§7.4)',
      description:
        'Stored as a draft with its own extension code (citizen.surveyExtPrefix + its number): citizens answer to that number, or to 12333 itself while the survey is open for them. `questions` may be sent as JSON text in a form.',
      requestBody: bodies({
        type: 'object',
        required: ['appName', 'password', 'name', 'questions'],
        properties: {
          ...credentials,
          name: { type: 'string', maxLength: 50 },
          intro: { type: 'string', maxLength: 70, description: 'put before the first question' },
          thanks: { type: 'string', maxLength: 60, description: 'the reply after the last answer' },
          opensAt: { ...when, description: `${when.description}; default now` },
          closesAt: { ...when, description: `${when.description}; default 7 days after opensAt, at most 90` },
          questions: {
            type: 'array',
            minItems: 1,
            maxItems: 10,
            items: {
              type: 'object',
              required: ['text', 'options'],
              properties: {
                text: { type: 'string', maxLength: 200 },
                options: { type: 'array', minItems: 2, maxItems: 10, items: option },
              },
            },
          },
        },
      }),
      responses: ok('Created', {
        surveyId: { type: 'integer' },
        extCode: { type: 'string' },
        status: { type: 'string', enum: ['draft'] },
        opensTime: { type: 'string' },
        closesTime: { type: 'string' },
        warnings: { type: 'array', items: { type: 'string' }, description: 'messages that go as long SMS' },
      }),
    },
  },
  '/api/survey/send': {
    post: {
      summary: '发送调查 Send the first question to numbers',
      description:
        'Category survey under the platform account, uncharged: numbers that sent TD or QXFW, or are blacklisted, are counted blocked and get nothing. A number the survey already went to is not sent again.',
      requestBody: bodies({
        type: 'object',
        required: ['appName', 'password', 'surveyId', 'mobiles'],
        properties: {
          ...credentials,
          surveyId,
          mobiles: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        },
      }),
      responses: ok('Queued', {
        surveyId: { type: 'integer' },
        queued: { type: 'integer' },
        blocked: { type: 'integer' },
        already: { type: 'integer' },
        sendTime: { type: 'string', description: 'when the first question goes (the opening time if later)' },
      }),
    },
  },
  '/api/survey/results': {
    post: {
      summary: '调查结果 Live counts, or the CSV export',
      description:
        'format=csv answers text/csv (UTF-8 with BOM): one row per number × question, numbers masked unless unmasked=1.',
      requestBody: bodies({
        type: 'object',
        required: ['appName', 'password', 'surveyId'],
        properties: {
          ...credentials,
          surveyId,
          format: { type: 'string', enum: ['json', 'csv'] },
          unmasked: { type: 'string', enum: ['0', '1'] },
        },
      }),
      responses: ok('Counts', {
        phase: { type: 'string', enum: ['draft', 'scheduled', 'open', 'closed'] },
        targets: {
          type: 'object',
          properties: Object.fromEntries(
            ['total', 'blocked', 'pending', 'answering', 'completed', 'endedInvalid'].map((k) => [
              k,
              { type: 'integer' },
            ]),
          ),
        },
        delivery: { type: 'object', additionalProperties: { type: 'integer' } },
        questions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              number: { type: 'integer' },
              text: { type: 'string' },
              answered: { type: 'integer' },
              invalid: { type: 'integer' },
              options: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    label: { type: 'string' },
                    count: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      }),
    },
  },
  '/api/survey/close': {
    post: {
      summary: '结束调查 Close a survey now',
      requestBody: bodies({
        type: 'object',
        required: ['appName', 'password', 'surveyId'],
        properties: { ...credentials, surveyId },
      }),
      responses: ok('Closed', { surveyId: { type: 'integer' }, changed: { type: 'boolean' } }),
    },
  },
} as const;
