/**
 * Slices of the test rows for the `slices` check: automatic ones (each frequent value of a
 * categorical column, quantile bins of a numeric one) and user-defined filters.
 */
import { LatheError } from '../../core/index.js';
import { quantile } from '../../stats/index.js';
import type { Frame } from '../check.js';
import { fmt } from './performance-metrics.js';

/** A comparison of a user-defined slice. */
export type SliceOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** A user-defined slice: the rows where `column op value`. */
export interface SliceFilter {
  name: string;
  column: string;
  op: SliceOp;
  value: unknown;
}

/** A slice: its name, how it was made, and its rows (indices into the test frame, ascending). */
export interface Slice {
  name: string;
  kind: 'value' | 'bin' | 'missing' | 'user';
  rows: number[];
}

const OPS: readonly SliceOp[] = ['=', '!=', '<', '<=', '>', '>=', 'in'];

/** Numeric columns with at most this many distinct values are sliced by value, like categories. */
const FEW_VALUES = 10;

/** A `readParams` reader of user-defined slices (`[{name, column, op, value}]`). */
export function readSliceFilters(v: unknown): SliceFilter[] {
  if (!Array.isArray(v))
    throw new Error(`must be a list of {name, column, op, value}; got ${JSON.stringify(v)}`);
  const names = new Set<string>();
  return v.map((f, i) => {
    const where = `entry ${i}:`;
    if (typeof f !== 'object' || f === null || Array.isArray(f))
      throw new Error(`${where} must be an object {name, column, op, value}; got ${JSON.stringify(f)}`);
    const o = f as Record<string, unknown>;
    const extra = Object.keys(o).filter((key) => !['name', 'column', 'op', 'value'].includes(key));
    if (extra.length)
      throw new Error(`${where} has an unknown field ${extra[0]}; fields: name, column, op, value`);
    if (typeof o.column !== 'string' || o.column === '')
      throw new Error(`${where} column must be a column name; got ${JSON.stringify(o.column)}`);
    if (typeof o.op !== 'string' || !OPS.includes(o.op as SliceOp))
      throw new Error(`${where} op must be one of ${OPS.join(', ')}; got ${JSON.stringify(o.op)}`);
    const op = o.op as SliceOp;
    if (op === 'in' && !(Array.isArray(o.value) && o.value.length > 0))
      throw new Error(`${where} value must be a non-empty list for op in; got ${JSON.stringify(o.value)}`);
    if (['<', '<=', '>', '>='].includes(op) && (typeof o.value !== 'number' || !Number.isFinite(o.value)))
      throw new Error(`${where} value must be a number for op ${op}; got ${JSON.stringify(o.value)}`);
    if (op !== 'in' && !['string', 'number', 'boolean'].includes(typeof o.value))
      throw new Error(`${where} value must be a string, number or boolean; got ${JSON.stringify(o.value)}`);
    const name = o.name === undefined ? `${o.column} ${op} ${JSON.stringify(o.value)}` : o.name;
    if (typeof name !== 'string' || name === '')
      throw new Error(`${where} name must be a non-empty string; got ${JSON.stringify(o.name)}`);
    if (names.has(name)) throw new Error(`${where} name ${name} is used twice`);
    names.add(name);
    return { name, column: o.column, op, value: o.value };
  });
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || v === '';
}

/** The column as numbers when every present value is a number (or a Float64Array), else undefined. */
function asNumbers(col: Float64Array | unknown[]): Float64Array | undefined {
  if (col instanceof Float64Array) return col;
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (isMissing(v)) out[i] = Number.NaN;
    else if (typeof v === 'number') out[i] = v;
    else return undefined;
  }
  return out;
}

/** Slices by value: one per value with at least `minSize` of `rows`, plus missing values. */
function byValue(
  name: string,
  col: Float64Array | unknown[],
  rows: ArrayLike<number>,
  minSize: number,
): Slice[] {
  const groups = new Map<string, number[]>();
  const missing: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const v = col[r];
    if (isMissing(v)) missing.push(r);
    else {
      const key = String(v);
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
  }
  const out: Slice[] = [...groups].map(([v, g]) => ({
    name: `${name} = ${v}`,
    kind: 'value' as const,
    rows: g,
  }));
  if (missing.length) out.push({ name: `${name} is missing`, kind: 'missing', rows: missing });
  return out.filter((s) => s.rows.length >= minSize && s.rows.length < rows.length);
}

/** Quantile bins of a numeric column (ties merge bins), plus missing values. */
function byBin(
  name: string,
  x: Float64Array,
  rows: ArrayLike<number>,
  bins: number,
  minSize: number,
): Slice[] {
  const values = Float64Array.from(rows, (r) => x[r]!);
  const present = values.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return byValue(name, x, rows, minSize);
  const qs = Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);
  const edges = [...new Set(quantile(present, qs))].sort((a, b) => a - b);
  const groups: number[][] = Array.from({ length: edges.length + 1 }, () => []);
  const missing: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      missing.push(rows[i]!);
      continue;
    }
    let b = 0;
    while (b < edges.length && v >= edges[b]!) b++;
    groups[b]!.push(rows[i]!);
  }
  const label = (b: number) =>
    b === 0
      ? `${name} < ${fmt(edges[0]!)}`
      : b === edges.length
        ? `${name} ≥ ${fmt(edges[b - 1]!)}`
        : `${fmt(edges[b - 1]!)} ≤ ${name} < ${fmt(edges[b]!)}`;
  const out: Slice[] = groups.map((g, b) => ({ name: label(b), kind: 'bin' as const, rows: g }));
  if (missing.length) out.push({ name: `${name} is missing`, kind: 'missing', rows: missing });
  return out.filter((s) => s.rows.length >= minSize && s.rows.length < rows.length);
}

/**
 * Automatic slices over `columns` of `frame`, on `rows`: categorical columns (and numeric ones
 * with at most 10 distinct values) by value, numeric ones by `bins` quantile bins; slices smaller
 * than `minSize` rows, or holding every row, are left out.
 */
export function autoSlices(
  frame: Frame,
  columns: readonly string[],
  rows: ArrayLike<number>,
  minSize: number,
  bins: number,
): Slice[] {
  const out: Slice[] = [];
  for (const name of columns) {
    const col = frame.columns[name];
    if (col === undefined) continue;
    const x = asNumbers(col);
    if (x === undefined) {
      out.push(...byValue(name, col, rows, minSize));
      continue;
    }
    const distinct = new Set<number>();
    for (let i = 0; i < rows.length && distinct.size <= FEW_VALUES; i++) {
      const v = x[rows[i]!]!;
      if (!Number.isNaN(v)) distinct.add(v);
    }
    out.push(
      ...(distinct.size <= FEW_VALUES
        ? byValue(name, x, rows, minSize)
        : byBin(name, x, rows, bins, minSize)),
    );
  }
  return out;
}

function matches(v: unknown, f: SliceFilter): boolean {
  if (isMissing(v)) return false;
  const same = (a: unknown, b: unknown) =>
    typeof a === 'number' || typeof b === 'number' ? Number(a) === Number(b) : String(a) === String(b);
  switch (f.op) {
    case '=':
      return same(v, f.value);
    case '!=':
      return !same(v, f.value);
    case 'in':
      return (f.value as unknown[]).some((w) => same(v, w));
    default: {
      const x = Number(v);
      const t = f.value as number;
      if (Number.isNaN(x)) return false;
      return f.op === '<' ? x < t : f.op === '<=' ? x <= t : f.op === '>' ? x > t : x >= t;
    }
  }
}

/**
 * The rows of `rows` each user-defined filter selects.
 * @throws LatheError INVALID_ARGUMENT when a filter names a column the test frame lacks.
 */
export function userSlices(frame: Frame, filters: readonly SliceFilter[], rows: ArrayLike<number>): Slice[] {
  return filters.map((f) => {
    const col = frame.columns[f.column];
    if (col === undefined)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check slices: slice ${f.name} filters on column ${f.column}, which the test set does not have; columns: ${Object.keys(frame.columns).join(', ')}`,
        { field: 'slices.slices' },
      );
    const picked: number[] = [];
    for (let i = 0; i < rows.length; i++) if (matches(col[rows[i]!], f)) picked.push(rows[i]!);
    return { name: f.name, kind: 'user' as const, rows: picked };
  });
}
