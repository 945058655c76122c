/**
 * The error catalogue: every code a Lathe error can carry, grouped by the module that raises it.
 * `api/` maps each code to an HTTP status in one typed table, so adding a code here without a
 * status there does not compile. Codes are stable: clients and scripts match on them.
 */
export const errorCodes = {
  // core: generic input and state errors any module may raise
  INVALID_ARGUMENT: 'A field or parameter has the wrong type, format or value.',
  NOT_FOUND: 'The object or route does not exist.',
  ALREADY_EXISTS: 'An object with that identity exists already.',
  CONFLICT: 'The request conflicts with the current state of the object.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the configured limit.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body has a content type this route does not accept.',
  NOT_IMPLEMENTED: 'The feature or backend is not available in this build.',
  UNAVAILABLE: 'A dependency (store, server) cannot be reached right now.',
  INTERNAL: 'An unexpected error; details are in the server log under the request ID.',
  // core: configuration
  CONFIG_INVALID: 'The configuration file, environment or flags hold an invalid value.',
  // storage
  STORE_URI_INVALID: 'A store URI has an unknown scheme or a malformed address.',
  STORE_LOCKED: 'The store is in use in a way that prevents this operation.',
  MIGRATION_FAILED: 'A schema migration failed; the store was left at its previous version.',
  BLOB_NOT_FOUND: 'No blob with that digest is stored.',
  BLOB_DIGEST_MISMATCH: 'The content written does not match the digest the caller expected.',
  TABLE_QUERY_FAILED: 'The table engine could not read or run the given query or file.',
  // data
  RECIPE_INVALID:
    'A transform recipe is malformed or does not fit the data: an unknown step or column, a bad expression.',
  DATA_SOURCE_INVALID:
    'A data source cannot be read as asked: empty, malformed rows in strict mode, a schema that does not match.',
  DATA_SOURCE_FORBIDDEN:
    'The server is not allowed to connect to that source (its host is not in data.sqlSourceHosts).',
  DATA_SOURCE_CONNECTION_FAILED:
    'The data source could not be reached or refused the login (host, port, credentials, TLS).',
  // models
  MODEL_PACKAGE_INVALID:
    'A model package cannot be read: a missing or malformed manifest, an array file of the wrong size or digest.',
  GATE_REFUSED:
    'The registry policy refuses this promotion: the version has not passed its validation suite or lacks approvals.',
  MODEL_INPUT_INVALID:
    'The rows sent to a model do not match its signature: missing columns, values of the wrong type.',
  // auth
  UNAUTHENTICATED: 'No valid credentials were sent.',
  TOKEN_EXPIRED: 'The API token has expired.',
  TOKEN_REVOKED: 'The API token was revoked.',
  PERMISSION_DENIED: 'The caller is authenticated but lacks the permission the route requires.',
  AUTH_REQUIRED_OFF_LOOPBACK: 'Auth cannot be turned off when the server listens beyond loopback.',
} as const;

/** Every error code Lathe uses. */
export type ErrorCode = keyof typeof errorCodes;

/** True when `code` is one of Lathe's error codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCodes, code);
}
