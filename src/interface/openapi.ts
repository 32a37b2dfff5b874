/** The interface's OpenAPI 3.0 document, served at GET /api/openapi.json. */
import { RESULT_CODES } from '../domain/result-codes.js';
import { SURVEY_PATHS } from './openapi-survey.js';

const codesTable = Object.values(RESULT_CODES)
  .map((c) => `| ${c.code} | ${c.msg} | ${c.en} |`)
  .join('\n');

const credentials = {
  appName: { type: 'string', description: '业务系统账户 (the business system account)' },
  password: { type: 'string', description: '客户端接入密码 (client access password)' },
} as const;

const result = {
  type: 'object',
  required: ['code', 'msg'],
  properties: {
    code: { type: 'integer', description: 'Appendix A return code; see the table in info.description' },
    msg: { type: 'string', description: '解释信息, with the offending field for codes -1 and 2' },
    field: { type: 'string' },
  },
} as const;

const bodies = (schema: object) => ({
  required: true,
  content: {
    'application/json': { schema },
    'application/x-www-form-urlencoded': { schema },
  },
});

const ok = (description: string, properties: object) => ({
  '200': {
    description,
    content: { 'application/json': { schema: { allOf: [result, { type: 'object', properties }] } } },
  },
});

export const OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'sms12333 短信服务平台下行接口',
    version: '1.0.0',
    description: `LD/T 6007—2024 Appendix A downlink interface. HTTP status is 200 for every business outcome; \`code\` carries it.\n\n| code | 解释信息 | meaning |\n|---|---|---|\n${codesTable}`,
  },
  paths: {
    ...SURVEY_PATHS,
    '/api/sms/send': {
      post: {
        summary: '发送短信 Send a message to up to 1000 numbers',
        requestBody: bodies({
          type: 'object',
          required: ['appName', 'password', 'mobiles'],
          properties: {
            ...credentials,
            mobiles: {
              oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
              description:
                '11-digit mainland numbers, comma-separated or an array; +86/86 accepted; duplicates sent once',
            },
            content: { type: 'string', description: 'text without signature (required unless templateId)' },
            templateId: { type: 'string' },
            params: { type: 'object', additionalProperties: { type: 'string' } },
            islong: {
              type: 'string',
              enum: ['0', '1'],
              description: 'whether a concatenated long SMS is allowed',
            },
            extCode: { type: 'string', pattern: '^\\d+$' },
            sendTime: {
              type: 'string',
              description: 'yyyyMMddHHmmss or ISO 8601, Beijing time unless zoned',
            },
            category: { type: 'string', enum: ['notice', 'result', 'survey'] },
            clientMsgId: { type: 'string', maxLength: 64, description: 'idempotency key' },
          },
        }),
        responses: ok('Outcome', {
          batchId: { type: 'string' },
          charged: { type: 'integer', description: 'segments debited' },
          msgIds: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                mobile: { type: 'string' },
                msgId: { type: 'string' },
                status: { type: 'string', enum: ['QUEUED', 'HELD', 'BLOCKED', 'FAILED'] },
                stat: {
                  type: 'string',
                  enum: ['BLOCKED', 'DUPLICATE', 'FREQUENCY', 'NOROUTE'],
                  description: 'why the number is not queued (as its report says)',
                },
              },
            },
          },
          heldForReview: {
            type: 'boolean',
            description: 'the messages (status HELD) wait for a reviewer: a sensitive word asked for review',
          },
          notBefore: {
            type: 'string',
            description:
              'when the queued messages go, ISO 8601 Beijing time (sendTime or the end of quiet hours)',
          },
          heldByQuietHours: { type: 'boolean', description: 'true when quiet hours moved the send time' },
          replayed: { type: 'boolean', description: 'true when clientMsgId repeated an earlier request' },
        }),
      },
    },
    '/api/sms/balance': {
      post: {
        summary: '查询余额 Balance in SMS segments',
        requestBody: bodies({ type: 'object', required: ['appName', 'password'], properties: credentials }),
        responses: ok('Balance', { balance: { type: 'integer' } }),
      },
    },
    '/api/sms/reports': {
      post: {
        summary: '拉取状态报告 Final states since a cursor',
        requestBody: bodies({
          type: 'object',
          required: ['appName', 'password'],
          properties: {
            ...credentials,
            cursor: { type: 'string', description: 'nextCursor of the previous call; omit to start' },
          },
        }),
        responses: ok('Reports', {
          reports: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                msgId: { type: 'string' },
                mobile: { type: 'string' },
                status: {
                  type: 'string',
                  enum: ['DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'BLOCKED', 'UNKNOWN'],
                },
                stat: { type: 'string', nullable: true, description: 'the carrier status as reported' },
                doneTime: { type: 'string', format: 'date-time' },
              },
            },
          },
          nextCursor: { type: 'string' },
        }),
      },
    },
    '/api/sms/replies': {
      post: {
        summary: '拉取上行短信 Uplink messages routed to this account by extension code',
        requestBody: bodies({
          type: 'object',
          required: ['appName', 'password'],
          properties: { ...credentials, cursor: { type: 'string' } },
        }),
        responses: ok('Replies', {
          replies: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                replyId: { type: 'string' },
                mobile: { type: 'string' },
                destId: { type: 'string' },
                extCode: { type: 'string' },
                text: { type: 'string' },
                receivedTime: { type: 'string', format: 'date-time' },
              },
            },
          },
          nextCursor: { type: 'string' },
        }),
      },
    },
    '/api/sms/otp/send': {
      post: {
        summary: '发送验证码 Send a 6-digit verification code (docs/design.md §4.3)',
        description:
          "The text comes from the configured template (otp.template) after the account signature; it is charged like any message and sent even to numbers that texted TD. Valid otp.ttlSeconds (300); a new code for the same (account, mobile, scene) supersedes the old one. Code 12 with retryAfter: the resend cool-down (otp.cooldownSeconds, 60) or the number's daily cap (otp.dailyCap, Beijing-time day). The code itself is never returned.",
        requestBody: bodies({
          type: 'object',
          required: ['appName', 'password', 'mobile', 'scene'],
          properties: {
            ...credentials,
            mobile: { type: 'string', description: 'one 11-digit mainland number; +86/86 accepted' },
            scene: {
              type: 'string',
              pattern: '^[\\p{L}\\p{N}_.:-]{1,32}$',
              description: 'what the code is for (login, reset-password, …); codes are kept per scene',
            },
          },
        }),
        responses: ok('Outcome', {
          otpId: { type: 'string' },
          msgId: { type: 'string', description: 'the message carrying the code, as in /api/sms/reports' },
          status: { type: 'string', enum: ['QUEUED', 'BLOCKED', 'FAILED'] },
          charged: { type: 'integer', description: 'segments debited' },
          expiresIn: { type: 'integer', description: 'seconds the code stays valid' },
          retryAfter: { type: 'integer', description: 'code 12: seconds until a code may be sent again' },
        }),
      },
    },
    '/api/sms/otp/verify': {
      post: {
        summary: '校验验证码 Check a verification code',
        description:
          'Checks against the newest code of (account, mobile, scene) in constant time. Every check counts; after otp.maxAttempts (5) the code is dead. A right code is consumed: it verifies once.',
        requestBody: bodies({
          type: 'object',
          required: ['appName', 'password', 'mobile', 'scene', 'otp'],
          properties: {
            ...credentials,
            mobile: { type: 'string' },
            scene: { type: 'string' },
            otp: { type: 'string', pattern: '^\\d{1,16}$', description: 'the digits the citizen entered' },
          },
        }),
        responses: ok('Outcome: code 1 with valid true or false', {
          valid: { type: 'boolean' },
          reason: {
            type: 'string',
            enum: ['none', 'expired', 'attempts', 'mismatch'],
            description:
              'when invalid: none (no live code: never sent, already used or superseded), expired, attempts (used up), mismatch',
          },
          attemptsLeft: { type: 'integer', description: 'after a mismatch' },
          otpId: { type: 'string' },
        }),
      },
    },
  },
} as const;
