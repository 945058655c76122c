/**
 * The stateful steps of fitting: what impute, onehot, ordinal, the scalers and bucketize learn
 * from the rows as they are at their step, with DuckDB aggregates.
 */
import { LatheError } from '../../core/index.js';
import { quoteIdentifier as q, type TableEngine } from '../../storage/tables/index.js';
import type { FittedStep, RecipeColumn, RecipeStep, RecipeValue, ValueKind } from './recipe-types.js';
import { compareValues, isNumericKind, parseDate, parseTimestamp, timestampFromInput } from './values.js';

/** Raises RECIPE_INVALID naming the step. */
export class StepError {
  constructor(
    readonly index: number,
    readonly kind: string,
  ) {}
  fail(message: string, details?: Record<string, unknown>): never {
    throw new LatheError('RECIPE_INVALID', `step ${this.index + 1} (${this.kind}): ${message}`, {
      step: this.index + 1,
      kind: this.kind,
      ...details,
    });
  }
}

/** What a step's fitting sees: the columns at its step, checks, and aggregates over its rows. */
export interface FitScope {
  e: StepError;
  engine: TableEngine;
  /** The rows at this step, as a parenthesised query. */
  relation: string;
  columns: RecipeColumn[];
  kinds: Map<string, ValueKind>;
  /** The kind of a column; RECIPE_INVALID listing the columns when there is none. */
  has(c: string): ValueKind;
  need(c: string, ok: (k: ValueKind) => boolean, what: string): ValueKind;
  fresh(name: string, taken: Set<string>): void;
  retype(types: Record<string, string>): RecipeColumn[];
  stats(exprs: string[]): Promise<Record<string, unknown>>;
}

type Learned = Extract<
  RecipeStep,
  { kind: 'impute' | 'onehot' | 'ordinal' | 'standard_scale' | 'minmax_scale' | 'bucketize' }
>;

/** Fits one stateful step. */
export async function fitLearned(step: Learned, scope: FitScope): Promise<FittedStep> {
  const { e, engine, relation, columns, kinds, has, need, fresh, retype, stats } = scope;
  const names = columns.map((c) => c.name);
  const numeric = (k: ValueKind) => isNumericKind(k);
  switch (step.kind) {
    case 'impute': {
      const exprs: string[] = [];
      const types: Record<string, string> = {};
      const out: Record<string, { strategy: (typeof step.columns)[string]; value: RecipeValue }> = {};
      for (const [c, strategy] of Object.entries(step.columns)) {
        const k = has(c);
        if (k === 'other') e.fail(`column ${JSON.stringify(c)} has a type impute cannot fill`);
        if (strategy === 'mean' || strategy === 'median') {
          need(c, numeric, 'a number for mean and median');
          types[c] = 'DOUBLE';
          exprs.push(`${strategy === 'mean' ? 'avg' : 'median'}(CAST(${q(c)} AS DOUBLE)) AS ${q(c)}`);
        } else if (strategy !== 'mode') {
          const value = constantFor(e, c, k, strategy.constant);
          if (k === 'integer' && !Number.isInteger(value)) types[c] = 'DOUBLE';
          out[c] = { strategy, value };
        }
      }
      const agg = exprs.length ? await stats(exprs) : {};
      for (const [c, strategy] of Object.entries(step.columns)) {
        if (strategy === 'mean' || strategy === 'median')
          out[c] = { strategy, value: (agg[c] as number | null) ?? null };
        else if (strategy === 'mode') {
          const [top] = await engine.query<{ v: unknown }>(
            `SELECT ${q(c)} AS v FROM ${relation} t WHERE ${q(c)} IS NOT NULL GROUP BY ${q(c)} ORDER BY count(*) DESC, ${q(c)} ASC LIMIT 1`,
          );
          out[c] = { strategy, value: fromResult(top?.v ?? null, kinds.get(c)!) };
        }
      }
      return { kind: 'impute', columns: out, output: retype(types) };
    }
    case 'onehot': {
      const out: Record<string, { categories: RecipeValue[]; names: string[]; unseen: string }> = {};
      const taken = new Set(names);
      let output: RecipeColumn[] = columns;
      for (const c of step.columns) {
        const k = need(
          c,
          (x) => x === 'string' || x === 'integer' || x === 'boolean',
          'text, integers or booleans',
        );
        const rows = await engine.query<{ v: unknown }>(
          `SELECT ${q(c)} AS v FROM ${relation} t WHERE ${q(c)} IS NOT NULL GROUP BY ${q(c)} ORDER BY count(*) DESC, ${q(c)} ASC LIMIT ${step.maxCategories}`,
        );
        const categories = rows.map((r) => fromResult(r.v, k)).sort(compareValues);
        taken.delete(c);
        const colNames = categories.map((v) => `${c}_${String(v)}`);
        const unseen = `${c}__unseen__`;
        for (const n of [...colNames, unseen]) fresh(n, taken);
        out[c] = { categories, names: colNames, unseen };
        output = output.flatMap((x) =>
          x.name === c ? [...colNames, unseen].map((name) => ({ name, type: 'BIGINT' })) : [x],
        );
      }
      return { kind: 'onehot', columns: out, output };
    }
    case 'ordinal': {
      const out: Record<string, { categories: RecipeValue[] }> = {};
      for (const c of step.columns) {
        const k = need(
          c,
          (x) => x === 'string' || x === 'integer' || x === 'boolean',
          'text, integers or booleans',
        );
        const given = step.categories[c];
        if (given) {
          for (const v of given) constantFor(e, c, k, v);
          out[c] = { categories: given };
          continue;
        }
        const rows = await engine.query<{ v: unknown }>(
          `SELECT DISTINCT ${q(c)} AS v FROM ${relation} t WHERE ${q(c)} IS NOT NULL ORDER BY v LIMIT 100001`,
        );
        if (rows.length > 100_000)
          e.fail(
            `column ${JSON.stringify(c)} has more than 100,000 categories; list them with categories, or bucket the column`,
          );
        out[c] = { categories: rows.map((r) => fromResult(r.v, k)) };
      }
      return {
        kind: 'ordinal',
        columns: out,
        output: retype(Object.fromEntries(step.columns.map((c) => [c, 'BIGINT']))),
      };
    }
    case 'standard_scale':
    case 'minmax_scale': {
      for (const c of step.columns) need(c, numeric, 'a number');
      const agg = await stats(
        step.columns.flatMap((c, i) =>
          step.kind === 'standard_scale'
            ? [`avg(CAST(${q(c)} AS DOUBLE)) AS a${i}`, `stddev_pop(CAST(${q(c)} AS DOUBLE)) AS b${i}`]
            : [`min(CAST(${q(c)} AS DOUBLE)) AS a${i}`, `max(CAST(${q(c)} AS DOUBLE)) AS b${i}`],
        ),
      );
      const output = retype(Object.fromEntries(step.columns.map((c) => [c, 'DOUBLE'])));
      const stat = (c: string, i: number) => {
        const a = agg[`a${i}`] as number | null;
        const b = agg[`b${i}`] as number | null;
        if (a === null || b === null) e.fail(`column ${JSON.stringify(c)} has no values to learn from`);
        return [a!, b!] as const;
      };
      if (step.kind === 'standard_scale')
        return {
          kind: step.kind,
          output,
          columns: Object.fromEntries(
            step.columns.map((c, i) => {
              const [mean, std] = stat(c, i);
              return [c, { mean, std: std > 0 ? std : 1 }];
            }),
          ),
        };
      return {
        kind: step.kind,
        output,
        columns: Object.fromEntries(
          step.columns.map((c, i) => {
            const [min, max] = stat(c, i);
            return [c, { min, range: max > min ? max - min : 1 }];
          }),
        ),
      };
    }
    case 'bucketize': {
      const out: Record<string, { edges: number[] }> = {};
      for (const [c, spec] of Object.entries(step.columns)) {
        need(c, numeric, 'a number');
        if ('edges' in spec) {
          out[c] = { edges: spec.edges };
          continue;
        }
        const levels = Array.from({ length: spec.bins - 1 }, (_, i) => (i + 1) / spec.bins);
        const agg =
          spec.strategy === 'quantile'
            ? await stats([`quantile_cont(CAST(${q(c)} AS DOUBLE), [${levels.join(', ')}]) AS e`])
            : await stats([`min(CAST(${q(c)} AS DOUBLE)) AS lo`, `max(CAST(${q(c)} AS DOUBLE)) AS hi`]);
        let edges: number[];
        if (spec.strategy === 'quantile') edges = (agg['e'] as number[] | null) ?? [];
        else {
          const lo = agg['lo'] as number | null;
          const hi = agg['hi'] as number | null;
          edges = lo === null || hi === null ? [] : levels.map((l) => lo + (hi - lo) * l);
        }
        out[c] = { edges: edges.filter((x, i) => i === 0 || x > edges[i - 1]!) };
      }
      return {
        kind: 'bucketize',
        columns: out,
        output: retype(Object.fromEntries(Object.keys(step.columns).map((c) => [c, 'BIGINT']))),
      };
    }
  }
}

/** A value from a DuckDB result in the recipe's internal form. */
function fromResult(v: unknown, kind: ValueKind): RecipeValue {
  if (v === null || v === undefined) return null;
  if (kind === 'timestamp') return timestampFromInput(v);
  return v as RecipeValue;
}

/** A constant checked against a column's kind (in the recipe's internal form). */
function constantFor(e: StepError, c: string, k: ValueKind, v: RecipeValue): RecipeValue {
  const bad = (what: string): never =>
    e.fail(`column ${JSON.stringify(c)} takes ${what}; got ${JSON.stringify(v)}`);
  if (v === null) return bad('a value, not null');
  if (isNumericKind(k)) return typeof v === 'number' ? v : bad('a number');
  if (k === 'string') return typeof v === 'string' ? v : bad('text');
  if (k === 'boolean') return typeof v === 'boolean' ? v : bad('true or false');
  if (k === 'date') return (typeof v === 'string' && parseDate(v)) || bad("a date 'YYYY-MM-DD'");
  if (k === 'timestamp')
    return (typeof v === 'string' && parseTimestamp(v)) || bad("a timestamp 'YYYY-MM-DD HH:MM:SS'");
  return bad('nothing (its type cannot be filled)');
}
