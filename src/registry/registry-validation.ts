import path from 'node:path';
import { LatheError } from '../core/index.js';
import { type ModelRef, type Stage, stages } from './types.js';

/** MLflow's limits for the model registry (mlflow/utils/validation.py). */
export const registryLimits = {
  tagKeyLength: 250,
  tagValueLength: 5000,
  aliasLength: 255,
  searchModelsDefault: 100,
  searchModelsMax: 1000,
  searchVersionsDefault: 10_000,
  searchVersionsMax: 200_000,
} as const;

const invalid = (message: string) => new LatheError('INVALID_ARGUMENT', message);
const missing = (name: string) => invalid(`Missing value for required parameter '${name}'.`);

/** A registered model name: a non-empty string. */
export function validateModelName(name: unknown, param = 'name'): string {
  if (name === undefined || name === null || name === '') throw missing(param);
  if (typeof name !== 'string') {
    throw invalid(`Invalid value ${JSON.stringify(name)} for parameter '${param}' supplied.`);
  }
  return name;
}

/** A version number: an integer or a string of digits (MLflow sends strings). */
export function validateVersion(version: unknown): number {
  const n =
    typeof version === 'number'
      ? version
      : typeof version === 'string' && /^\s*-?\d+\s*$/.test(version)
        ? Number(version)
        : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw invalid(`Parameter 'version' must be an integer, got '${String(version)}'.`);
  }
  return n;
}

const tagNamePattern = /^[/\w.\- :]*$/;
const badCharacters =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

function normPath(name: string): string {
  const n = path.posix.normalize(name);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** A tag key as MLflow checks it: characters, path-uniqueness, length. */
export function validateTagKey(key: unknown): string {
  if (key === undefined || key === null) throw missing('key');
  if (typeof key !== 'string')
    throw invalid(`Invalid value ${JSON.stringify(key)} for parameter 'key' supplied.`);
  if (!tagNamePattern.test(key)) {
    throw invalid(`Invalid value ${JSON.stringify(key)} for parameter 'key' supplied: ${badCharacters}`);
  }
  const norm = normPath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw invalid(
      `Invalid value ${JSON.stringify(key)} for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
  if (key.length > registryLimits.tagKeyLength) {
    throw invalid(`'key' exceeds the maximum length of ${registryLimits.tagKeyLength} characters`);
  }
  return key;
}

/** A tag of a registered model or version: key rules plus MLflow's 5000-character value limit. */
export function validateTag(t: { key: unknown; value: unknown }): { key: string; value: string } {
  const key = validateTagKey(t.key);
  const value = t.value === undefined || t.value === null ? '' : t.value;
  if (typeof value !== 'string') {
    throw invalid(`Invalid value ${JSON.stringify(value)} for parameter 'value' supplied.`);
  }
  if (value.length > registryLimits.tagValueLength) {
    throw invalid(`'value' exceeds the maximum length of ${registryLimits.tagValueLength} characters`);
  }
  return { key, value };
}

const aliasPattern = /^[\w-]*$/;
const versionAliasPattern = /^[vV]\d+$/;

/** An alias name as MLflow checks it: `^[\w\-]*$`, at most 255 characters, `latest` and `v<digits>` reserved. */
export function validateAlias(alias: unknown): string {
  if (alias === undefined || alias === null || alias === '') {
    throw invalid('Registered model alias name cannot be empty.');
  }
  if (typeof alias !== 'string' || !aliasPattern.test(alias)) {
    throw invalid(
      `Invalid alias name: '${String(alias)}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > registryLimits.aliasLength) {
    throw invalid(
      `'Registered model alias name' exceeds the maximum length of ${registryLimits.aliasLength} characters`,
    );
  }
  if (alias.toLowerCase() === 'latest') throw invalid("'latest' alias name (case insensitive) is reserved.");
  if (versionAliasPattern.test(alias)) throw invalid(`Version alias name '${alias}' is reserved.`);
  return alias;
}

/** The canonical spelling of a stage, case-insensitively; INVALID_ARGUMENT names the valid ones. */
export function canonicalStage(stage: unknown): Stage {
  const found =
    typeof stage === 'string' ? stages.find((s) => s.toLowerCase() === stage.toLowerCase()) : undefined;
  if (!found) {
    throw invalid(
      `Invalid Model Version stage: ${String(stage)}. Value must be one of ${stages.join(', ')}.`,
    );
  }
  return found;
}

/**
 * Parses a model reference: `NAME@3` or `NAME@v3` (a version), `NAME@latest` (the highest
 * live version), `NAME@ALIAS`. A `models:/` prefix is accepted. The name is everything before
 * the last `@`.
 */
export function parseModelRef(ref: string): ModelRef {
  const text = ref.startsWith('models:/') ? ref.slice('models:/'.length) : ref;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) {
    throw invalid(
      `Invalid model reference ${JSON.stringify(ref)}: expected NAME@VERSION, NAME@ALIAS or NAME@latest`,
    );
  }
  const name = text.slice(0, at);
  const target = text.slice(at + 1);
  if (/^[vV]?\d+$/.test(target)) {
    return { name, kind: 'version', version: Number(target.replace(/^[vV]/, '')) };
  }
  if (target.toLowerCase() === 'latest') return { name, kind: 'latest' };
  return { name, kind: 'alias', alias: validateAlias(target) };
}

/** A search page size: `fallback` when absent; MLflow's messages for a non-positive or too large one. */
export function checkMaxResults(value: number | undefined, fallback: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Invalid value for max_results. It must be a positive integer, but got ${n}`,
    );
  }
  if (n > max) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Invalid value for request parameter max_results. It must be at most ${max}, but got value ${n}`,
    );
  }
  return n;
}
