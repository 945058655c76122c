import { LatheError } from '../core/index.js';
import type { KeyValue, Metric } from './types.js';

/** MLflow's limits, kept identical so clients see the same behaviour. */
export const limits = {
  paramsTagsPerBatch: 100,
  metricsPerBatch: 1000,
  entitiesPerBatch: 1000,
  paramValueLength: 6000,
  tagValueLength: 5000,
  experimentNameLength: 500,
  experimentTagValueLength: 5000,
  keyLength: 250,
  /** A run's name (MLflow's `runs.name` column). */
  runNameLength: 250,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65535,
  datasetSchemaLength: 1048575,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
  maxResultsRuns: 50000,
  maxResultsExperiments: 50000,
} as const;

const validName = /^[/\w.\- ]*$/;
const badCharacters =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';

const invalid = (message: string): never => {
  throw new LatheError('INVALID_ARGUMENT', message);
};

/** posix normpath, enough to tell whether a key would resolve to another name as a path. */
function normpath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out.at(-1) !== '..') out.pop();
    else if (part !== '..' || !abs) out.push(part);
  }
  const joined = out.join('/');
  return abs ? `/${joined}` : joined || '.';
}

/** Checks a metric, param or tag key as MLflow does (characters, path-uniqueness, length). */
export function checkKey(kind: 'metric' | 'parameter' | 'tag', key: unknown): string {
  const title = kind === 'parameter' ? 'Param key' : kind === 'metric' ? 'Metric name' : 'Tag key';
  if (typeof key !== 'string') {
    return invalid(
      `${kind[0]!.toUpperCase()}${kind.slice(1)} name cannot be None. A key name must be provided.`,
    );
  }
  if (!validName.test(key)) invalid(`Invalid ${kind} name: '${key}'. ${badCharacters}`);
  const norm = normpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    invalid(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
  checkLength(title, limits.keyLength, key);
  return key;
}

/** Rejects a value longer than `limit` with MLflow's message. */
export function checkLength(what: string, limit: number, value: string): string {
  if (value.length > limit) {
    invalid(
      `${what} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
  return value;
}

export function checkExperimentName(name: unknown): string {
  if (name === '' || name === undefined || name === null)
    invalid(`Invalid experiment name: '${name ?? 'None'}'`);
  if (typeof name !== 'string') return invalid(`Invalid experiment name: ${String(name)}. Expects a string.`);
  if (name.length > limits.experimentNameLength) {
    invalid(`Experiment name exceeds the maximum length of ${limits.experimentNameLength} characters`);
  }
  return name;
}

/** Rejects a batch over MLflow's per-request limits. */
export function checkBatchLimits(metrics: number, params: number, tags: number): void {
  const check = (entity: string, limit: number, n: number) => {
    if (n > limit) {
      invalid(
        `A batch logging request can contain at most ${limit} ${entity}. Got ${n} ${entity}. Please split up ${entity} across multiple requests and try again.`,
      );
    }
  };
  check('metrics', limits.metricsPerBatch, metrics);
  check('params', limits.paramsTagsPerBatch, params);
  check('tags', limits.paramsTagsPerBatch, tags);
  check('metrics, params, and tags', limits.entitiesPerBatch, metrics + params + tags);
}

const runIdPattern = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** A well-formed run ID; NOT_FOUND otherwise (a malformed ID names no run). */
export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !runIdPattern.test(runId)) {
    throw new LatheError('NOT_FOUND', `Run with id=${String(runId)} not found`);
  }
  return runId;
}

/** Checks a point's value, timestamp and step (its key is checked by the caller). */
export function checkMetric(m: Metric): void {
  if (typeof m.value !== 'number') {
    invalid(
      `Got invalid value ${String(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`,
    );
  }
  if (!Number.isSafeInteger(m.timestamp) || m.timestamp < 0) {
    invalid(
      `Got invalid timestamp ${String(m.timestamp)} for metric '${m.key}' (value=${m.value}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  if (!Number.isSafeInteger(m.step)) {
    invalid(
      `Got invalid step ${String(m.step)} for metric '${m.key}' (value=${m.value}). Step must be a valid long (64-bit integer).`,
    );
  }
}

/** Checks a param's key and value (a string of at most `limits.paramValueLength`). */
export function checkParam(p: KeyValue): KeyValue {
  checkKey('parameter', p.key);
  if (typeof p.value !== 'string') invalid(`Param value for '${p.key}' must be a string`);
  checkLength('Param value', limits.paramValueLength, p.value);
  return p;
}

/**
 * Checks a run or experiment tag: its key as `checkKey` does, its value a string of at most
 * `maxValueLength` characters (by default a run tag's limit). Answers a fresh `{ key, value }`.
 */
export function checkTag(
  tag: { key: unknown; value: unknown },
  { maxValueLength = limits.tagValueLength }: { maxValueLength?: number } = {},
): KeyValue {
  const key = checkKey('tag', tag.key);
  if (typeof tag.value !== 'string') return invalid(`Tag value for '${key}' must be a string`);
  checkLength('Tag value', maxValueLength, tag.value);
  return { key, value: tag.value };
}
