/**
 * The input scenarios of the stress check: copies of a sample frame with missing values, values far
 * out of range, unseen categories and empty strings, and a runner that calls the model on one of
 * them and says whether it answered usable predictions.
 */
import { SeededRandom } from '../../ml/index.js';
import type { Frame, ValidationModel } from '../check.js';
import { type Column, invalidPredictions, numericValues, withColumn } from './frame-tools.js';

/** One scenario: its name, the columns it alters (to name culprits) and its frame builder. */
export interface Scenario {
  name: string;
  columns: string[];
  build(columns: readonly string[]): Frame;
}

/** How the model took a scenario: answered, refused with an error, or answered unusable predictions. */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'threw'; detail: string }
  | { kind: 'invalid'; detail: string };

/** The message of a thrown value, with a LatheError's code, cut to 200 characters. */
export function errorText(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  const text = typeof code === 'string' ? `${code}: ${msg}` : msg;
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Calls the model on `frame` and classifies the outcome (errors are caught, never rethrown). */
export async function attempt(model: ValidationModel, frame: Frame): Promise<Outcome> {
  try {
    const bad = invalidPredictions(await model.predict(frame), frame.rows);
    return bad ? { kind: 'invalid', detail: bad } : { kind: 'ok' };
  } catch (err) {
    return { kind: 'threw', detail: errorText(err) };
  }
}

/** A column of `rows` copies of `value`, typed like `like` (a Float64Array stays one). */
function filled(like: Column, rows: number, value: unknown): Column {
  if (like instanceof Float64Array && typeof value === 'number') return new Float64Array(rows).fill(value);
  return new Array(rows).fill(value);
}

const missingOf = (c: Column) => (c instanceof Float64Array ? Number.NaN : null);

/** `frame` with each of `columns` set to `value(column)` on every row. */
function setAll(
  frame: Frame,
  columns: readonly string[],
  value: (c: Column, name: string) => unknown,
): Frame {
  let out = frame;
  for (const name of columns) {
    const c = frame.columns[name]!;
    out = withColumn(out, name, filled(c, frame.rows, value(c, name)));
  }
  return out;
}

/** The largest absolute finite value of a numeric column (1 when there is none or it is 0). */
function largest(values: Float64Array): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m || 1;
}

/** The scenarios for `frame` (the sampled inputs): per-feature missing, then whole-frame ones. */
export function scenarios(
  frame: Frame,
  features: readonly string[],
  missingShare: number,
  seed: number,
): Scenario[] {
  const present = features.filter((f) => frame.columns[f]);
  const numeric = present.filter((f) => numericValues(frame.columns[f]) !== null);
  const strings = present.filter((f) => !numeric.includes(f));
  const out: Scenario[] = [{ name: 'baseline (sample as is)', columns: [], build: () => frame }];
  for (const f of present)
    out.push({ name: `missing: ${f}`, columns: [f], build: () => setAll(frame, [f], missingOf) });
  out.push({
    name: `missing cells (${Math.round(missingShare * 100)}% at random)`,
    columns: present,
    build(cols) {
      const rng = new SeededRandom(seed);
      let f2 = frame;
      for (const name of present) {
        const c = frame.columns[name]!;
        const copy: Column = c instanceof Float64Array ? Float64Array.from(c) : [...c];
        for (let i = 0; i < frame.rows; i++)
          if (rng.uniform() < missingShare && cols.includes(name)) copy[i] = missingOf(c) as never;
        f2 = withColumn(f2, name, copy);
      }
      return f2;
    },
  });
  const range = (sign: number) => (cols: readonly string[]) =>
    setAll(frame, cols, (c) => sign * 10 * largest(numericValues(c)!));
  if (numeric.length) {
    out.push({ name: 'out of range (10 × max |value|)', columns: numeric, build: range(1) });
    out.push({ name: 'out of range (−10 × max |value|)', columns: numeric, build: range(-1) });
  }
  if (strings.length) {
    out.push({
      name: 'unseen category ("__unseen__")',
      columns: strings,
      build: (cols) => setAll(frame, cols, () => '__unseen__'),
    });
    out.push({ name: 'empty strings', columns: strings, build: (cols) => setAll(frame, cols, () => '') });
  }
  return out;
}

/** `frame`'s rows repeated until it holds `rows` rows. */
export function repeatRows(frame: Frame, rows: number): Frame {
  const columns: Record<string, Column> = {};
  for (const [name, c] of Object.entries(frame.columns)) {
    const n = c.length;
    if (c instanceof Float64Array) {
      const out = new Float64Array(rows);
      for (let i = 0; i < rows; i++) out[i] = c[i % n]!;
      columns[name] = out;
    } else columns[name] = Array.from({ length: rows }, (_, i) => c[i % n]);
  }
  return { rows, columns };
}

/** Row `i` of `frame` as a one-row frame. */
export function oneRow(frame: Frame, i: number): Frame {
  const columns: Record<string, Column> = {};
  for (const [name, c] of Object.entries(frame.columns))
    columns[name] = c instanceof Float64Array ? c.slice(i, i + 1) : [c[i]];
  return { rows: 1, columns };
}
