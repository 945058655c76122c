import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../../core/index.js';
import { toErrorAnswer } from '../../plugins/errors.js';

/** MLflow's error codes (databricks_pb2.ErrorCode names) and the HTTP status MLflow sends with each. */
const mlflowCodes: Record<ErrorCode, [string, number]> = {
  INVALID_ARGUMENT: ['INVALID_PARAMETER_VALUE', 400],
  NOT_FOUND: ['RESOURCE_DOES_NOT_EXIST', 404],
  ALREADY_EXISTS: ['RESOURCE_ALREADY_EXISTS', 400],
  CONFLICT: ['INVALID_STATE', 400],
  PAYLOAD_TOO_LARGE: ['INVALID_PARAMETER_VALUE', 400],
  UNSUPPORTED_MEDIA_TYPE: ['BAD_REQUEST', 400],
  NOT_IMPLEMENTED: ['NOT_IMPLEMENTED', 501],
  UNAVAILABLE: ['TEMPORARILY_UNAVAILABLE', 503],
  INTERNAL: ['INTERNAL_ERROR', 500],
  CONFIG_INVALID: ['INTERNAL_ERROR', 500],
  STORE_URI_INVALID: ['INTERNAL_ERROR', 500],
  STORE_LOCKED: ['TEMPORARILY_UNAVAILABLE', 503],
  MIGRATION_FAILED: ['INTERNAL_ERROR', 500],
  BLOB_NOT_FOUND: ['RESOURCE_DOES_NOT_EXIST', 404],
  BLOB_DIGEST_MISMATCH: ['INVALID_PARAMETER_VALUE', 400],
  TABLE_QUERY_FAILED: ['INVALID_PARAMETER_VALUE', 400],
  RECIPE_INVALID: ['INVALID_PARAMETER_VALUE', 422],
  DATA_SOURCE_INVALID: ['INVALID_PARAMETER_VALUE', 422],
  MODEL_PACKAGE_INVALID: ['INVALID_PARAMETER_VALUE', 422],
  MODEL_INPUT_INVALID: ['INVALID_PARAMETER_VALUE', 400],
  GATE_REFUSED: ['INVALID_STATE', 400],
  DATA_SOURCE_FORBIDDEN: ['PERMISSION_DENIED', 403],
  DATA_SOURCE_CONNECTION_FAILED: ['TEMPORARILY_UNAVAILABLE', 502],
  UNAUTHENTICATED: ['UNAUTHENTICATED', 401],
  TOKEN_EXPIRED: ['UNAUTHENTICATED', 401],
  TOKEN_REVOKED: ['UNAUTHENTICATED', 401],
  PERMISSION_DENIED: ['PERMISSION_DENIED', 403],
  AUTH_REQUIRED_OFF_LOOPBACK: ['INTERNAL_ERROR', 500],
};

/** Sends MLflow's error body `{ "error_code", "message" }`. */
export function sendMlflowError(
  reply: FastifyReply,
  errorCode: string,
  status: number,
  message: string,
): FastifyReply {
  return reply.code(status).type('application/json').send({ error_code: errorCode, message });
}

/** The error handler of the MLflow routes: Lathe's error mapping, spoken in MLflow's dialect. */
export function mlflowErrorHandler(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const answer = toErrorAnswer(err, request);
  if (answer.status >= 500) request.log.error({ err }, 'request failed');
  if (answer.malformedBody) {
    return sendMlflowError(reply, 'MALFORMED_REQUEST', 400, answer.message);
  }
  const [code, status] = mlflowCodes[answer.code];
  return sendMlflowError(reply, code, status, answer.message);
}
