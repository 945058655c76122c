import { LatheError } from '../../../core/index.js';
import type { ModelVersion, RegisteredModel } from '../../../registry/index.js';

/** A version number argument: MLflow sends a string of digits; a JSON number is accepted too. */
export function versionArg(a: Record<string, unknown>): string | number {
  const v = a.version;
  if (v === undefined || v === null || v === '') {
    throw new LatheError(
      'INVALID_ARGUMENT',
      "Missing value for required parameter 'version'. See the API docs for more information about request parameters.",
    );
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Parameter 'version' must be an integer, got '${JSON.stringify(v)}'.`,
    );
  }
  return v;
}

/** A protobuf bool: JSON true/false, or "true"/"false" from a query string. */
export function optBool(a: Record<string, unknown>, name: string): boolean | undefined {
  const v = a[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  throw new LatheError(
    'INVALID_ARGUMENT',
    `Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied. Hint: Value was of type '${typeof v}'. See the API docs for more information about request parameters.`,
  );
}

/** MLflow's ModelVersion message as JSON: version as a string, unset fields left out. */
export function modelVersionJson(v: ModelVersion) {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    ...(v.userId ? { user_id: v.userId } : {}),
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    ...(v.runId ? { run_id: v.runId } : {}),
    status: v.status,
    ...(v.statusMessage ? { status_message: v.statusMessage } : {}),
    ...(v.tags.length ? { tags: v.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
    ...(v.runLink ? { run_link: v.runLink } : {}),
    ...(v.aliases.length ? { aliases: v.aliases } : {}),
  };
}

/** MLflow's RegisteredModel message as JSON. */
export function registeredModelJson(m: RegisteredModel) {
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    ...(m.userId ? { user_id: m.userId } : {}),
    description: m.description,
    ...(m.latestVersions.length ? { latest_versions: m.latestVersions.map(modelVersionJson) } : {}),
    ...(m.tags.length ? { tags: m.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
    ...(m.aliases.length
      ? { aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })) }
      : {}),
  };
}
