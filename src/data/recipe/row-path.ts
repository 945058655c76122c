/**
 * The row path: a fitted recipe applied to one row in plain TypeScript, with the numbers the
 * batch path (DuckDB, step-sql.ts) gives for the same row. No DuckDB and no Node-only imports, so
 * serving code and browsers can use it (the SDK exports it).
 *
 * Row-set steps are batch-only: `filter` is evaluated and a row it would drop is answered as
 * null (or kept, or refused: `options.filter`); `deduplicate` leaves the row as it is (one row
 * has no duplicates); `join` takes the joined columns from the row itself (a lookup done by the
 * caller) and refuses a row without them; splits do not apply to rows.
 */
import { describeValue, LatheError } from '../../core/errors.js';
import { maskPii } from '../pii/mask.js';
import { checkExpression, type Typed } from './expression-check.js';
import { evaluate } from './expression-eval.js';
import { parseExpression } from './expression-parser.js';
import { hashPiiPure, hmacPads, saltId } from './hmac-sha256.js';
import type { FittedRecipe, FittedStep, RecipeColumn, ValueKind } from './recipe-types.js';
import {
  castValue,
  datetimeParts,
  finite,
  kindOfType,
  kindsOf,
  textLength,
  timestampFromInput,
  toOutput,
} from './values.js';

/** Options of `applyFittedRecipe`. */
export interface ApplyOptions {
  /**
   * What to do with a row a `filter` step drops: `null` (default) answers null, as the batch path
   * would have no row; `keep` ignores filters; `error` throws INVALID_ARGUMENT.
   */
  filter?: 'null' | 'keep' | 'error';
  /** The PII salt, needed when the recipe hashes PII (the server's `data.piiSalt`). */
  piiSalt?: string;
}

type Row = Record<string, unknown>;

const typedCache = new WeakMap<FittedStep, Typed[]>();
const padsCache = new Map<string, { ipad: Uint8Array; opad: Uint8Array }>();

function fail(message: string): never {
  throw new LatheError('INVALID_ARGUMENT', message);
}

/** An input value in the recipe's internal form for its column type; throws when it does not fit. */
function normalizeInput(v: unknown, column: RecipeColumn): unknown {
  if (v === null || v === undefined) return null;
  const kind = kindOfType(column.type);
  let out: unknown = null;
  switch (kind) {
    case 'integer':
      if (typeof v === 'number') out = Number.isInteger(v) ? v : null;
      else if (typeof v === 'bigint') out = castValue(v.toString(), 'string', 'BIGINT');
      else if (typeof v === 'string') out = castValue(v, 'string', 'BIGINT');
      break;
    case 'double':
      // NaN and infinities are read as NULL, as the batch path reads them.
      if (typeof v === 'number') return finite(v);
      if (typeof v === 'string') out = castValue(v, 'string', 'DOUBLE');
      break;
    case 'string':
      out = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
      break;
    case 'boolean':
      if (typeof v === 'boolean') out = v;
      else if (typeof v === 'number') out = v !== 0;
      else if (typeof v === 'string') out = castValue(v, 'string', 'BOOLEAN');
      break;
    case 'date':
      out =
        v instanceof Date ? (timestampFromInput(v)?.slice(0, 10) ?? null) : castValue(v, 'string', 'DATE');
      break;
    case 'timestamp':
      out = timestampFromInput(v);
      break;
    default:
      return v;
  }
  if (out === null)
    fail(`column ${JSON.stringify(column.name)} holds ${column.type} values; got ${describeValue(v)}`);
  return out;
}

function typedOf(step: FittedStep, input: RecipeColumn[]): Typed[] {
  let typed = typedCache.get(step);
  if (!typed) {
    if (step.kind === 'filter')
      typed = [checkExpression(parseExpression(step.expression), kindsOf(input), step.expression)];
    else if (step.kind === 'derive') {
      typed = [];
      let kinds = kindsOf(input);
      for (const [name, src] of Object.entries(step.columns)) {
        const t = checkExpression(parseExpression(src), kinds, src);
        typed.push(t);
        kinds = new Map(kinds).set(name, t.k as ValueKind);
      }
    } else typed = [];
    typedCache.set(step, typed);
  }
  return typed;
}

const same = (a: unknown, b: unknown) => a === b;

/** One step on one row; null when a filter drops the row. */
function applyStep(
  step: FittedStep,
  input: RecipeColumn[],
  row: Row,
  raw: Row,
  options: ApplyOptions,
  salt: () => { ipad: Uint8Array; opad: Uint8Array },
): Row | null {
  const next: Row = {};
  const kinds = kindsOf(input);
  const num = (c: string) => (row[c] === null ? null : Number(row[c]));
  switch (step.kind) {
    case 'rename':
      for (const [old, name] of Object.entries(step.columns)) next[name] = row[old];
      break;
    case 'cast':
      for (const [c, to] of Object.entries(step.columns)) next[c] = castValue(row[c], kinds.get(c)!, to);
      break;
    case 'filter': {
      if (options.filter === 'keep') break;
      if (evaluate(typedOf(step, input)[0]!, row) !== true) {
        if (options.filter === 'error') fail(`the row does not pass the recipe's filter: ${step.expression}`);
        return null;
      }
      break;
    }
    case 'derive': {
      const typed = typedOf(step, input);
      const work = { ...row };
      Object.keys(step.columns).forEach((name, i) => {
        work[name] = evaluate(typed[i]!, work);
      });
      Object.assign(next, work);
      break;
    }
    case 'impute':
      for (const [c, p] of Object.entries(step.columns)) next[c] = row[c] ?? p.value;
      break;
    case 'onehot':
      for (const [c, p] of Object.entries(step.columns)) {
        const v = row[c];
        p.names.forEach((name, i) => {
          next[name] = v !== null && same(v, p.categories[i]) ? 1 : 0;
        });
        next[p.unseen] = v !== null && !p.categories.some((x) => same(v, x)) ? 1 : 0;
      }
      break;
    case 'ordinal':
      for (const [c, p] of Object.entries(step.columns))
        next[c] = row[c] === null ? null : p.categories.findIndex((x) => same(row[c], x));
      break;
    case 'standard_scale':
      for (const [c, p] of Object.entries(step.columns)) {
        const x = num(c);
        next[c] = x === null ? null : finite((x - p.mean) / p.std);
      }
      break;
    case 'minmax_scale':
      for (const [c, p] of Object.entries(step.columns)) {
        const x = num(c);
        next[c] = x === null ? null : finite((x - p.min) / p.range);
      }
      break;
    case 'log':
      for (const c of step.columns) {
        const x = num(c);
        next[c] = x === null || !(x > -1) ? null : finite(Math.log(1 + x));
      }
      break;
    case 'clip':
      for (const [c, b] of Object.entries(step.columns)) {
        const x = num(c);
        next[c] =
          x === null
            ? null
            : b.min !== undefined && x < b.min
              ? b.min
              : b.max !== undefined && x > b.max
                ? b.max
                : x;
      }
      break;
    case 'bucketize':
      for (const [c, p] of Object.entries(step.columns)) {
        const x = num(c);
        next[c] = x === null ? null : p.edges.filter((e) => x >= e).length;
      }
      break;
    case 'datetime_parts':
      for (const [c, parts] of Object.entries(step.columns)) {
        const v = row[c];
        const all = v === null ? null : (datetimeParts(v as string) as unknown as Record<string, number>);
        for (const part of parts) next[`${c}_${part}`] = all === null ? null : all[part];
      }
      break;
    case 'text_length':
      for (const c of step.columns)
        next[`${c}_length`] = row[c] === null ? null : textLength(row[c] as string);
      break;
    case 'pii':
      for (const [c, p] of Object.entries(step.columns)) {
        const v = row[c];
        if (p.action === 'drop' || v === null) continue;
        next[c] = p.action === 'hash' ? hashPiiPure(String(v), salt()) : maskPii(p.kind as never, String(v));
      }
      break;
    case 'join': {
      const left = new Set(input.map((c) => c.name));
      const missing = step.output.filter((c) => !left.has(c.name) && !(c.name in raw)).map((c) => c.name);
      if (missing.length)
        fail(
          `this recipe joins ${step.with}, which the row path cannot do; pass the joined columns in the row (missing: ${missing.join(', ')})`,
        );
      for (const c of step.output) if (!left.has(c.name)) next[c.name] = normalizeInput(raw[c.name], c);
      break;
    }
    default:
      // select, drop and deduplicate only choose columns (or rows).
      break;
  }
  const out: Row = {};
  for (const c of step.output) out[c.name] = c.name in next ? (next[c.name] ?? null) : (row[c.name] ?? null);
  return out;
}

/**
 * Applies a fitted recipe to one row: the row-wise steps with the learned parameters, the same
 * numbers as the batch path (integers and text exactly, doubles to the last bit or within an
 * ulp for ln/exp/log10). Input values may be JSON values or what DuckDB queries answer
 * (timestamps as ISO 8601 strings or Dates); missing columns are null; columns the recipe does not
 * read are ignored. Answers the output columns in order, timestamps as ISO 8601 UTC strings, or
 * null when a filter step drops the row (see `ApplyOptions.filter`).
 * @throws LatheError INVALID_ARGUMENT for a value that does not fit its column's type, a recipe
 *   that hashes PII without the right `piiSalt`, or a join whose columns the row lacks.
 */
export function applyFittedRecipe(
  fitted: FittedRecipe,
  row: Record<string, unknown>,
  options: ApplyOptions = {},
): Record<string, unknown> | null {
  if (fitted?.format !== 'lathe.fitted-recipe' || fitted.formatVersion !== 1)
    fail(`expected a fitted recipe (format lathe.fitted-recipe, version 1); got ${describeValue(fitted)}`);
  const salt = () => {
    const s = options.piiSalt;
    if (!s) fail("this recipe hashes PII: pass the server's PII salt as options.piiSalt");
    let pads = padsCache.get(s!);
    if (!pads) {
      if (saltId(s!) !== fitted.piiSaltId)
        fail('options.piiSalt is not the salt this recipe was fitted with');
      pads = hmacPads(s!);
      if (padsCache.size > 16) padsCache.clear();
      padsCache.set(s!, pads);
    }
    return pads;
  };
  let current: Row = {};
  for (const c of fitted.input) current[c.name] = normalizeInput(row[c.name], c);
  let columns = fitted.input;
  for (const step of fitted.steps) {
    const next = applyStep(step, columns, current, row, options, salt);
    if (next === null) return null;
    current = next;
    columns = step.output;
  }
  const out: Row = {};
  for (const c of columns) out[c.name] = toOutput(kindOfType(c.type), current[c.name]);
  return out;
}
