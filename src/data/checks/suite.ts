import { parse as parseYaml } from 'yaml';
import { describeValue, LatheError } from '../../core/index.js';
import { parseDatasetRef } from '../refs.js';
import {
  type CheckDefinition,
  checkCatalog,
  commonFields,
  type FieldSpec,
  thresholdFields,
} from './check-catalog.js';
import { type CheckName, type CheckSpec, type CheckSuite, checkNames, type Thresholds } from './types.js';

/** The reference new-category and schema checks compare with unless a suite names one. */
export const previousReference = 'previous';
/** The most checks one suite may hold. */
const maxChecks = 200;
const suiteKeys = ['reference', 'target', 'checks'];

/** Where in a suite a problem is, for error messages. */
interface Where {
  index?: number;
  check?: string;
  field?: string;
}

/**
 * Refuses a suite: INVALID_ARGUMENT naming the check (its index from 0 and name), the field, what
 * was expected and what arrived.
 */
export function refuseSuite(where: Where, expected: string, got: string, valid?: readonly string[]): never {
  const place = [
    where.index !== undefined ? `checks[${where.index}]${where.check ? ` (${where.check})` : ''}` : '',
    where.field ? `field "${where.field}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  throw new LatheError(
    'INVALID_ARGUMENT',
    `invalid check suite${place ? `: ${place}` : ''}: expected ${expected}, got ${got}` +
      (valid ? `; valid: ${valid.join(', ')}` : ''),
    {
      ...(where.index !== undefined ? { index: where.index } : {}),
      ...(where.check ? { check: where.check } : {}),
      ...(where.field ? { field: where.field } : {}),
      expected,
      got,
      ...(valid ? { valid: [...valid] } : {}),
    },
  );
}

/**
 * Reads a suite: nothing (or an empty object) for the default suite; YAML or JSON text; an object
 * `{ reference?, target?, checks: [...] }`, a bare array of checks, or `{ suite: "<YAML text>" }`.
 * Unknown checks and fields, wrong types and contradictory thresholds are refused with
 * INVALID_ARGUMENT naming the check, the field, the expected and the received value. Column names
 * are checked later, against the version (see `run-checks.ts`).
 */
export function parseSuite(input: unknown): CheckSuite {
  if (input === undefined || input === null || input === '') return defaultSuite();
  if (typeof input === 'string') return parseSuite(parseText(input));
  if (Array.isArray(input)) return parseSuite({ checks: input });
  if (typeof input !== 'object') refuseSuite({}, 'an object with a list of checks', describeValue(input));
  const obj = input as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 0) return defaultSuite();
  if (keys.length === 1 && keys[0] === 'suite') {
    if (typeof obj['suite'] !== 'string')
      refuseSuite({ field: 'suite' }, 'the suite as YAML or JSON text', describeValue(obj['suite']));
    return parseSuite(parseText(obj['suite']));
  }
  for (const k of keys)
    if (!suiteKeys.includes(k)) refuseSuite({ field: k }, 'a known suite field', `"${k}"`, suiteKeys);
  const reference = obj['reference'] ?? previousReference;
  if (typeof reference !== 'string' || reference.length === 0)
    refuseSuite(
      { field: 'reference' },
      '`previous` or a version reference such as customers@3',
      describeValue(reference),
    );
  if (reference !== previousReference) parseDatasetRef(reference);
  const target = obj['target'];
  if (target !== undefined && (typeof target !== 'string' || target.length === 0))
    refuseSuite({ field: 'target' }, 'a column name', describeValue(target));
  const checks = obj['checks'];
  if (checks === undefined) return { ...defaultSuite(), reference, ...(target ? { target } : {}) };
  if (!Array.isArray(checks) || checks.length === 0)
    refuseSuite({ field: 'checks' }, 'a non-empty list of checks', describeValue(checks));
  if (checks.length > maxChecks)
    refuseSuite({ field: 'checks' }, `at most ${maxChecks} checks`, `${checks.length}`);
  return {
    reference,
    ...(target ? { target } : {}),
    checks: checks.map((c, i) => parseCheck(c, i)),
  };
}

/**
 * The built-in suite: every check that needs no configuration (all but out_of_range and
 * insufficient_history), with default thresholds. Checks that need a target or a reference
 * version are skipped when there is none.
 */
export function defaultSuite(): CheckSuite {
  const checks = checkNames
    .filter((n) => checkCatalog[n].byDefault)
    .map((check, i) => parseCheck({ check }, i));
  return { reference: previousReference, checks };
}

function parseText(text: string): unknown {
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    return refuseSuite({}, 'a suite in YAML or JSON', `text that does not parse: ${(err as Error).message}`);
  }
}

function parseCheck(raw: unknown, index: number): CheckSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    refuseSuite({ index }, 'an object such as { check: missing_values }', describeValue(raw));
  const obj = raw as Record<string, unknown>;
  const check = obj['check'];
  if (typeof check !== 'string' || !(checkNames as readonly string[]).includes(check))
    refuseSuite(
      { index, field: 'check' },
      'a check name',
      check === undefined ? 'no check field' : describeValue(check),
      checkNames,
    );
  const name = check as CheckName;
  const def = checkCatalog[name];
  const valid = [
    ...Object.keys(commonFields),
    ...(def.measure ? thresholdFields : []),
    ...Object.keys(def.fields),
  ];
  const where = (field: string): Where => ({ index, check: name, field });
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'check') continue;
    if (!valid.includes(key)) refuseSuite(where(key), `a field of ${name}`, `"${key}"`, valid);
    if (key === 'warn' || key === 'fail') continue;
    const spec = commonFields[key] ?? def.fields[key]!;
    options[key] = parseField(value, spec, where(key));
  }
  for (const [key, spec] of Object.entries(def.fields))
    if (options[key] === undefined && spec.default !== undefined) options[key] = spec.default;
  checkCombinations(name, options, index);
  const out: CheckSpec = { check: name, name: labelOf(name, options), options };
  delete options['name'];
  if (options['severity'] !== undefined) {
    out.severity = options['severity'] as 'warn' | 'fail';
    delete options['severity'];
  }
  if (def.measure) out.thresholds = parseThresholds(obj, def, { index, check: name });
  return out;
}

function parseField(value: unknown, spec: FieldSpec, where: Where): unknown {
  const k = spec.kind;
  const bad = (expected: string): never => refuseSuite(where, expected, describeValue(value));
  switch (k.type) {
    case 'columns':
      if (typeof value === 'string' && value.length > 0) return [value];
      if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || !v))
        bad('a list of column names');
      return [...new Set(value as string[])];
    case 'column':
    case 'string':
      if (typeof value !== 'string' || value.length === 0 || value.length > 256)
        bad(k.type === 'column' ? 'a column name' : 'a string of 1 to 256 characters');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !k.values.includes(value))
        refuseSuite(where, `one of ${k.values.join(', ')}`, describeValue(value));
      return value;
    case 'number':
    case 'integer': {
      const lo = k.min ?? Number.NEGATIVE_INFINITY;
      const hi = k.max ?? Number.POSITIVE_INFINITY;
      const range = `${Number.isFinite(lo) ? ` ≥ ${lo}` : ''}${Number.isFinite(hi) ? ` and ≤ ${hi}` : ''}`;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (k.type === 'number' || Number.isInteger(value)) &&
        value >= lo &&
        value <= hi;
      if (!ok) bad(`${k.type === 'integer' ? 'a whole number' : 'a number'}${range}`);
      return value;
    }
    case 'bound':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      if (typeof value === 'string' && isIsoDate(value)) return value;
      return bad('a number, or an ISO date such as 2024-01-31');
  }
}

function checkCombinations(name: CheckName, o: Record<string, unknown>, index: number): void {
  const where = (field: string): Where => ({ index, check: name, field });
  if (name === 'out_of_range') {
    if (o['column'] === undefined) refuseSuite(where('column'), 'the column to check', 'no column field');
    if (o['min'] === undefined && o['max'] === undefined)
      refuseSuite(where('min'), 'min, max or both', 'neither');
    if (o['min'] !== undefined && o['max'] !== undefined && typeof o['min'] !== typeof o['max'])
      refuseSuite(where('max'), `a ${typeof o['min']} like min`, describeValue(o['max']));
    const lo = o['min'] as number | string | undefined;
    const hi = o['max'] as number | string | undefined;
    if (lo !== undefined && hi !== undefined && bound(lo) > bound(hi))
      refuseSuite(where('max'), `a value ≥ min (${lo})`, describeValue(hi));
  }
  if (name === 'duplicate_ids' && o['column'] !== undefined && o['columns'] !== undefined)
    refuseSuite(where('columns'), 'column (one identifier) or columns (a composite key), not both', 'both');
}

/** An ISO date (or date and time) whose day exists: 2024-02-30 does not. */
function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})([T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const timeOk = m[4] === undefined || (Number(m[5]) < 24 && Number(m[6]) < 60);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && timeOk;
}

const bound = (v: number | string) => (typeof v === 'number' ? v : Date.parse(v));

function parseThresholds(obj: Record<string, unknown>, def: CheckDefinition, w: Where): Thresholds {
  const m = def.measure!;
  const t: Thresholds = { op: m.op, warn: m.warn, fail: m.fail };
  const hi = m.unit === 'days' ? Number.POSITIVE_INFINITY : 1;
  for (const level of thresholdFields) {
    if (!(level in obj)) continue;
    const v = obj[level];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > hi))
      refuseSuite(
        { ...w, field: level },
        `null or a number from 0${Number.isFinite(hi) ? ` to ${hi}` : ''} (${m.about})`,
        describeValue(v),
      );
    t[level] = v as number | null;
  }
  if (t.warn !== null && t.fail !== null && (m.op === '<' ? t.warn < t.fail : t.warn > t.fail))
    refuseSuite(
      { ...w, field: 'warn' },
      `a warn threshold ${m.op === '<' ? 'at or above' : 'at or below'} fail (${t.fail})`,
      describeValue(t.warn),
    );
  return t;
}

function labelOf(name: CheckName, o: Record<string, unknown>): string {
  if (typeof o['name'] === 'string') return o['name'];
  const parts: string[] = [];
  if (name === 'outliers') parts.push(String(o['method']));
  if (typeof o['column'] === 'string') parts.push(o['column']);
  else if (Array.isArray(o['columns']) && o['columns'].length <= 3) parts.push(o['columns'].join('+'));
  return parts.length ? `${name}(${parts.join(', ')})` : name;
}
