/**
 * Model-input encodings: a recipe of impute, ordinal / one-hot and standard-scale steps fitted on
 * in-memory columns (chosen rows, e.g. a training split) instead of a stored version, and applied to
 * whole columns at once. The result is an ordinary FittedRecipe: `applyFittedRecipe` gives the same
 * numbers row by row (tested), so a model serves exactly what it was trained on.
 */
import { isoTime, LatheError } from '../../core/index.js';
import type {
  FittedRecipe,
  FittedStep,
  Recipe,
  RecipeColumn,
  RecipeStep,
  RecipeValue,
} from './recipe-types.js';
import { fittedRecipeFormat } from './recipe-types.js';
import { compareValues, kindOfType, normalizedType } from './values.js';

/** How to encode model inputs. */
export interface EncodingPlan {
  /** Fill missing values of every column (median for numbers, the most frequent value otherwise). */
  impute: boolean;
  /** Standardize numeric columns (mean 0, population standard deviation 1). */
  scale: boolean;
  /** Text columns: `ordinal` integer codes (sorted categories, unseen −1) or `one-hot` columns. */
  categorical: 'ordinal' | 'one-hot';
  /** One-hot keeps the most frequent categories up to this many (default 20); others are unseen. */
  maxCategories?: number;
}

type Columns = Record<string, unknown[]>;

const isNumericType = (type: string) => ['integer', 'double'].includes(kindOfType(normalizedType(type)));
const isTextType = (type: string) => kindOfType(normalizedType(type)) === 'string';

function medianOf(values: unknown[], rows: Int32Array): number | null {
  const xs: number[] = [];
  for (const r of rows) {
    const v = values[r];
    if (typeof v === 'number' && Number.isFinite(v)) xs.push(v);
  }
  if (!xs.length) return null;
  xs.sort((a, b) => a - b);
  const m = (xs.length - 1) / 2;
  return (xs[Math.floor(m)]! + xs[Math.ceil(m)]!) / 2;
}

/** Non-null values by count, most frequent first, ties in value order. */
function counted(values: unknown[], rows: Int32Array): [RecipeValue, number][] {
  const counts = new Map<RecipeValue, number>();
  for (const r of rows) {
    const v = values[r] as RecipeValue | undefined;
    if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || compareValues(a[0], b[0]));
}

function meanStd(values: unknown[], rows: Int32Array): { mean: number; std: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const r of rows) {
    const v = values[r];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  const std = n ? Math.sqrt(m2 / n) : 0;
  return { mean, std: std > 0 ? std : 1 };
}

/**
 * Fits an encoding of `input` columns on rows `rows` of `values` (whole columns, as
 * `DataService.columns` answers them). Numeric columns are imputed and scaled as the plan says,
 * text columns encoded, booleans imputed and read as 0/1.
 * @throws LatheError INVALID_ARGUMENT for a column of a type a model cannot read (dates, blobs).
 */
export function fitEncoding(
  input: readonly RecipeColumn[],
  values: Columns,
  rows: Int32Array,
  plan: EncodingPlan,
  fittedOn: string,
): FittedRecipe {
  const columns = input.map((c) => ({ name: c.name, type: normalizedType(c.type) }));
  for (const c of columns)
    if (!isNumericType(c.type) && !isTextType(c.type) && kindOfType(c.type) !== 'boolean')
      throw new LatheError(
        'INVALID_ARGUMENT',
        `column ${c.name} is ${c.type}; models read numbers, text and booleans (derive numbers from dates with a recipe's datetime_parts step)`,
        { field: c.name },
      );
  const numeric = columns.filter((c) => isNumericType(c.type)).map((c) => c.name);
  const text = columns.filter((c) => isTextType(c.type)).map((c) => c.name);
  const steps: RecipeStep[] = [];
  const fitted: FittedStep[] = [];
  let output: RecipeColumn[] = columns;

  if (plan.impute) {
    const fill: Record<string, { strategy: 'median' | 'mode'; value: RecipeValue }> = {};
    for (const c of columns) {
      // Every column gets a fill value, so rows served later may lack values the training rows had.
      const col = values[c.name]!;
      if (numeric.includes(c.name)) fill[c.name] = { strategy: 'median', value: medianOf(col, rows) ?? 0 };
      else fill[c.name] = { strategy: 'mode', value: counted(col, rows)[0]?.[0] ?? null };
    }
    if (Object.keys(fill).length) {
      output = output.map((c) => (fill[c.name]?.strategy === 'median' ? { ...c, type: 'DOUBLE' } : c));
      steps.push({
        kind: 'impute',
        columns: Object.fromEntries(Object.entries(fill).map(([c, f]) => [c, f.strategy])),
      });
      fitted.push({ kind: 'impute', columns: fill, output });
    }
  }
  if (text.length && plan.categorical === 'ordinal') {
    const out: Record<string, { categories: RecipeValue[] }> = {};
    for (const c of text)
      out[c] = {
        categories: counted(values[c]!, rows)
          .map(([v]) => v)
          .sort(compareValues),
      };
    output = output.map((c) => (text.includes(c.name) ? { name: c.name, type: 'BIGINT' } : c));
    steps.push({ kind: 'ordinal', columns: text, categories: {} });
    fitted.push({ kind: 'ordinal', columns: out, output });
  }
  if (text.length && plan.categorical === 'one-hot') {
    const max = plan.maxCategories ?? 20;
    const taken = new Set(output.map((c) => c.name));
    const out: Record<string, { categories: RecipeValue[]; names: string[]; unseen: string }> = {};
    for (const c of text) {
      const categories = counted(values[c]!, rows)
        .slice(0, max)
        .map(([v]) => v)
        .sort(compareValues);
      taken.delete(c);
      const fresh = (n: string) => {
        let name = n;
        for (let i = 2; taken.has(name); i++) name = `${n}_${i}`;
        taken.add(name);
        return name;
      };
      const names = categories.map((v) => fresh(`${c}_${String(v)}`));
      out[c] = { categories, names, unseen: fresh(`${c}__unseen__`) };
    }
    output = output.flatMap((x) =>
      out[x.name]
        ? [...out[x.name]!.names, out[x.name]!.unseen].map((name) => ({ name, type: 'BIGINT' }))
        : [x],
    );
    steps.push({ kind: 'onehot', columns: text, maxCategories: max });
    fitted.push({ kind: 'onehot', columns: out, output });
  }
  if (plan.scale && numeric.length) {
    const out: Record<string, { mean: number; std: number }> = {};
    for (const c of numeric) out[c] = meanStd(values[c]!, rows);
    output = output.map((c) => (numeric.includes(c.name) ? { name: c.name, type: 'DOUBLE' } : c));
    steps.push({ kind: 'standard_scale', columns: numeric });
    fitted.push({ kind: 'standard_scale', columns: out, output });
  }
  const recipe: Recipe = { version: 1, steps };
  return {
    format: fittedRecipeFormat,
    formatVersion: 1,
    recipe,
    fittedOn,
    fittedAt: isoTime(Date.now()),
    input: columns,
    output,
    steps: fitted,
  };
}

const same = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'number' && typeof b === 'number' && a === b);

/**
 * Applies an encoding from {@link fitEncoding} to rows `rows` of whole columns, answering the
 * output columns as a row-major matrix (`rows.length × fitted.output.length`), nulls as NaN,
 * booleans as 0/1. The same numbers `applyFittedRecipe` gives row by row.
 * @throws LatheError INVALID_ARGUMENT for a recipe with steps other than impute, ordinal, onehot
 *   and standard_scale, or a text value in a numeric output column.
 */
export function encodeColumns(fitted: FittedRecipe, values: Columns, rows: Int32Array): Float64Array {
  const cols = new Map<string, unknown[]>();
  for (const c of fitted.input) {
    const src = values[c.name];
    if (!src)
      throw new LatheError('INVALID_ARGUMENT', `the encoding reads column ${c.name}, which was not given`);
    const kind = kindOfType(c.type);
    cols.set(
      c.name,
      Array.from(rows, (r) => {
        const v = src[r] ?? null;
        // Integers arrive as numbers or (beyond 2^53) strings; the row path reads them as numbers.
        return v !== null && (kind === 'integer' || kind === 'double') && typeof v === 'string'
          ? Number(v)
          : v;
      }),
    );
  }
  for (const step of fitted.steps) {
    switch (step.kind) {
      case 'impute':
        for (const [c, p] of Object.entries(step.columns)) {
          const col = cols.get(c)!;
          for (let i = 0; i < col.length; i++) if (col[i] === null) col[i] = p.value;
        }
        break;
      case 'ordinal':
        for (const [c, p] of Object.entries(step.columns)) {
          const index = new Map(p.categories.map((v, i) => [v, i]));
          cols.set(
            c,
            cols.get(c)!.map((v) => (v === null ? null : (index.get(v as RecipeValue) ?? -1))),
          );
        }
        break;
      case 'onehot':
        for (const [c, p] of Object.entries(step.columns)) {
          const col = cols.get(c)!;
          const index = new Map(p.categories.map((v, i) => [v, i]));
          const outs = p.names.map(() => new Array<number>(col.length).fill(0));
          const unseen = new Array<number>(col.length).fill(0);
          col.forEach((v, i) => {
            if (v === null) return;
            const k = index.get(v as RecipeValue);
            if (k === undefined || !same(p.categories[k], v)) unseen[i] = 1;
            else outs[k]![i] = 1;
          });
          cols.delete(c);
          p.names.forEach((n, k) => {
            cols.set(n, outs[k]!);
          });
          cols.set(p.unseen, unseen);
        }
        break;
      case 'standard_scale':
        for (const [c, p] of Object.entries(step.columns))
          cols.set(
            c,
            cols.get(c)!.map((v) => (v === null ? null : (Number(v) - p.mean) / p.std)),
          );
        break;
      default:
        throw new LatheError('INVALID_ARGUMENT', `encodeColumns does not apply ${step.kind} steps`);
    }
  }
  const out = fitted.output;
  const k = out.length;
  const X = new Float64Array(rows.length * k);
  out.forEach((c, j) => {
    const col = cols.get(c.name)!;
    for (let i = 0; i < rows.length; i++) {
      const v = col[i];
      if (v === null || v === undefined) X[i * k + j] = Number.NaN;
      else if (typeof v === 'number') X[i * k + j] = v;
      else if (typeof v === 'boolean') X[i * k + j] = v ? 1 : 0;
      else
        throw new LatheError(
          'INVALID_ARGUMENT',
          `column ${c.name} holds ${JSON.stringify(v)} where a number was expected`,
          { field: c.name },
        );
    }
  });
  return X;
}
