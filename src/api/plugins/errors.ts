import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type ErrorCode, type ErrorDetails, describeValue, isLatheError } from '../../core/index.js';
import { httpStatusByCode } from '../error-status.js';

interface ErrorAnswer {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
  /** Set when the request body could not be parsed as JSON (dialects with a code for that use it). */
  malformedBody?: true;
}

/** Sends `{ "error": { code, message, details, requestId } }` with the status of the code. */
export function sendError(reply: FastifyReply, a: ErrorAnswer): FastifyReply {
  const error: Record<string, unknown> = { code: a.code, message: a.message };
  if (a.details !== undefined) error.details = a.details;
  error.requestId = reply.request.id;
  return reply.code(a.status).type('application/json; charset=utf-8').send({ error });
}

/**
 * Maps every error to the JSON error body: LatheError by its code, Fastify's validation, parsing
 * and size errors to 4xx, anything else to INTERNAL with the stack logged and never sent.
 */
export function toErrorAnswer(err: unknown, request: FastifyRequest): ErrorAnswer {
  if (isLatheError(err))
    return { status: httpStatusByCode[err.code], code: err.code, message: err.message, details: err.details };
  const e = err as FastifyError;
  if (e.validation) {
    const where = e.validationContext ?? 'body';
    const source = (request as unknown as Record<string, unknown>)[where === 'querystring' ? 'query' : where];
    const problems = e.validation.map((v) => {
      const missing =
        v.keyword === 'required' ? (v.params as { missingProperty?: string }).missingProperty : undefined;
      const at = `${where}${v.instancePath.replaceAll('/', '.')}${missing ? `.${missing}` : ''}`;
      if (missing) return `${at} is required`;
      const allowed = (v.params as { allowedValues?: unknown[] }).allowedValues;
      const additional = (v.params as { additionalProperty?: string }).additionalProperty;
      if (additional) return `${at}.${additional} is not a known field`;
      const arrived = describeValue(valueAt(source, v.instancePath));
      return `${at} ${v.message}${allowed ? ` (${allowed.map((x) => JSON.stringify(x)).join(', ')})` : ''}, got ${arrived}`;
    });
    return { status: 400, code: 'INVALID_ARGUMENT', message: problems.join('; '), details: { problems } };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: `the request body must be valid JSON: ${e.message}`,
        malformedBody: true,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `the request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `this route does not accept content type ${JSON.stringify(request.headers['content-type'] ?? '')}; send application/json`,
      };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 404
        ? 'NOT_FOUND'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 415
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : 'INVALID_ARGUMENT';
    return { status, code, message: e.message };
  }
  return {
    status: 500,
    code: 'INTERNAL',
    message: `internal error; the server log has the details under request ${request.id}`,
  };
}

function valueAt(source: unknown, pointer: string): unknown {
  let node = source;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

/** The error handler of the app. Plugins that speak another error dialect (MLflow) set their own. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err, request, reply) => {
    const answer = toErrorAnswer(err, request);
    if (answer.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: answer.code, message: answer.message }, 'request rejected');
    return sendError(reply, answer);
  });
});
