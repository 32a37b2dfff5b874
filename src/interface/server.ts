/**
 * The interface listener: the Fastify app for business systems. Every answer is JSON with a
 * `code`; malformed bodies, oversized bodies and unknown paths get a clear code, never an HTML or
 * 500 page.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { result, ResultError } from '../domain/result-codes.js';
import { OPENAPI } from './openapi.js';
import { registerSmsRoutes, type SmsRouteDeps } from './routes-sms.js';
import { registerOtpRoutes } from './routes-otp.js';
import { registerCitizenRoutes, type CitizenRouteDeps } from './routes-citizen.js';
import { registerSurveyRoutes, type SurveyRouteDeps } from './routes-survey.js';
import type { OtpService } from '../pipeline/otp.js';

export interface InterfaceOptions {
  bodyLimit: number;
  trustProxy: boolean;
  tls?: { cert: string; key: string; ca?: string | undefined; requireClientCert: boolean } | undefined;
}

export async function buildInterface(
  deps: SmsRouteDeps & {
    otp?: OtpService | undefined;
    citizen?: Omit<CitizenRouteDeps, 'credentials'> | undefined;
    survey?: Pick<SurveyRouteDeps, 'surveys' | 'surveyApps'> | undefined;
  },
  options: InterfaceOptions,
): Promise<FastifyInstance> {
  const https = options.tls
    ? {
        cert: readFileSync(options.tls.cert),
        key: readFileSync(options.tls.key),
        ...(options.tls.ca !== undefined && { ca: readFileSync(options.tls.ca) }),
        requestCert: options.tls.requireClientCert,
        rejectUnauthorized: options.tls.requireClientCert,
      }
    : null;
  const app = Fastify({
    loggerInstance: deps.logger,
    // Request lines at thousands per second would drown the log; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    ...(https && { https }),
  }) as unknown as FastifyInstance;
  await app.register(formbody, { bodyLimit: options.bodyLimit });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ResultError) return reply.status(error.httpStatus).send(error.body);
    switch (error.code) {
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(200).send(result('MISSING', '请求体为空'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.status(200).send(result('FORMAT', '请求体不是合法的 JSON', { field: 'body' }));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .status(413)
          .send(result('FORMAT', `请求体超过 ${options.bodyLimit} 字节`, { field: 'body' }));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(
          result('FORMAT', '只接受 application/json 或 application/x-www-form-urlencoded', {
            field: 'body',
          }),
        );
      default:
        break;
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return reply.status(200).send(result('FORMAT', error.message, { field: 'body' }));
    request.log.error({ err: error, url: request.url }, '接口内部错误 interface error');
    return reply.status(503).send(result('BUSY'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(result('NOT_FOUND', `${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  app.get('/api/openapi.json', () => OPENAPI);
  app.get('/healthz', () => ({ status: 'ok' }));
  registerSmsRoutes(app, deps);
  if (deps.citizen) registerCitizenRoutes(app, { credentials: deps.credentials, ...deps.citizen });
  if (deps.survey)
    registerSurveyRoutes(app, {
      credentials: deps.credentials,
      ...deps.survey,
      maxMobiles: deps.settings.maxMobiles,
      ...(deps.now && { now: deps.now }),
    });
  if (deps.otp)
    registerOtpRoutes(app, {
      credentials: deps.credentials,
      otp: deps.otp,
      ...(deps.now && { now: deps.now }),
    });
  return app;
}
