import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Request validation. Bodies are checked strictly: a wrong type is an error, never coerced, and
 * unknown fields are reported. Query strings, params and headers arrive as text, so their values
 * are coerced to the declared types ("5" → 5, "true" → true).
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const base: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };
  const strictAjv = addFormats.default(new Ajv({ ...base, coerceTypes: false }));
  const coercingAjv = addFormats.default(new Ajv({ ...base, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object);
}
