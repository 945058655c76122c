/**
 * Fitting: walks a recipe over a version step by step, checking every column a step names
 * against the columns at that step, learning the parameters of stateful steps with DuckDB
 * aggregates over the rows as they are at that step, and building the batch query (a CTE chain)
 * as it goes.
 */
import { LatheError, newId } from '../../core/index.js';
import { quoteIdentifier as q, type TableEngine } from '../../storage/tables/index.js';
import { maskPii } from '../pii/mask.js';
import { checkExpression } from './expression-check.js';
import { type FitScope, fitLearned, StepError } from './fit-learned.js';
import { parseExpression } from './expression-parser.js';
import { hmacPads } from './hmac-sha256.js';
import type { FittedStep, RecipeColumn, RecipeStep, ValueKind } from './recipe-types.js';
import { type SqlContext, readSql, stepSql } from './step-sql.js';
import { castAllowed, isNumericKind, kindsOf, normalizedType, typeOfKind } from './values.js';

/** A version a join reads. */
export interface JoinSource {
  ref: string;
  path: string;
  columns: RecipeColumn[];
}

export interface FitInput {
  /** The local Parquet file of the version. */
  path: string;
  /** Its stored columns. */
  columns: RecipeColumn[];
  /** PII kinds found by the version's profile, by column (for `mask`). */
  piiKinds: Record<string, string>;
  /** Finds a version to join (`plans@3`, `plans@latest`). */
  resolveJoin(ref: string): Promise<JoinSource>;
  /** The PII salt; asked for only when a step hashes. */
  piiSalt(): Promise<string>;
}

/** The batch query of a fitted recipe, and the temporary tables it needs (dropped by `cleanup`). */
export interface BatchQuery {
  /** `WITH … ` CTE chain; `select(columns)` completes it. */
  ctes: string[];
  last: string;
  row: string;
  joined: string[];
  cleanup(): Promise<void>;
}

const rowColumn = q('__lathe_row');

/** The columns of a stored version as the recipe reads them. */
function normalizedColumns(columns: readonly RecipeColumn[]): RecipeColumn[] {
  return columns.map((c) => ({ name: c.name, type: normalizedType(c.type) }));
}

/**
 * Fits `steps` on the version `input`, answering the fitted steps and the batch query.
 * @throws LatheError RECIPE_INVALID naming the step, the column and the columns available.
 */
export async function fitSteps(
  engine: TableEngine,
  steps: RecipeStep[],
  input: FitInput,
): Promise<{ steps: FittedStep[]; query: BatchQuery; input: RecipeColumn[] }> {
  const temps: string[] = [];
  const ctx: SqlContext = { row: rowColumn, maskTables: new Map(), joins: new Map() };
  const query: BatchQuery = {
    ctes: [`s0 AS (${readSql(input.path, input.columns, rowColumn)})`],
    last: 's0',
    row: rowColumn,
    joined: [],
    cleanup: async () => {
      for (const t of temps.splice(0)) await engine.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    },
  };
  const fitted: FittedStep[] = [];
  let columns = normalizedColumns(input.columns);
  const start = columns;
  const reserved = columns.find((c) => c.name === '__lathe_row' || c.name === 'file_row_number');
  if (reserved)
    throw new LatheError(
      'RECIPE_INVALID',
      `recipes use the column name ${reserved.name} themselves; rename it in the data first`,
    );
  try {
    for (const [i, step] of steps.entries()) {
      const relation = `(WITH ${query.ctes.join(', ')} SELECT * FROM ${query.last})`;
      const f = await fitStep(engine, step, i, columns, relation, input, ctx, temps);
      if (f.kind === 'join') query.joined.push(f.with);
      fitted.push(f);
      query.ctes.push(`s${i + 1} AS (${stepSql(f, i, columns, query.last, ctx)})`);
      query.last = `s${i + 1}`;
      columns = f.output;
    }
    if (columns.length === 0) throw new LatheError('RECIPE_INVALID', 'the recipe leaves no column');
  } catch (err) {
    await query.cleanup();
    throw err;
  }
  return { steps: fitted, query, input: start };
}

async function fitStep(
  engine: TableEngine,
  step: RecipeStep,
  index: number,
  columns: RecipeColumn[],
  relation: string,
  input: FitInput,
  ctx: SqlContext,
  temps: string[],
): Promise<FittedStep> {
  const e = new StepError(index, step.kind);
  const names = columns.map((c) => c.name);
  const kinds = kindsOf(columns);
  const has = (c: string) => {
    if (!kinds.has(c))
      e.fail(`unknown column ${JSON.stringify(c)}; the columns at this step are ${names.join(', ')}`, {
        column: c,
        available: names,
      });
    return kinds.get(c)!;
  };
  const need = (c: string, ok: (k: ValueKind) => boolean, what: string) => {
    const k = has(c);
    if (!ok(k))
      e.fail(
        `column ${JSON.stringify(c)} is ${columns.find((x) => x.name === c)!.type}; ${step.kind} needs ${what}`,
      );
    return k;
  };
  const numeric = (k: ValueKind) => isNumericKind(k);
  const fresh = (name: string, taken: Set<string>) => {
    if (taken.has(name)) e.fail(`would add a column ${JSON.stringify(name)}, which exists already`);
    taken.add(name);
  };
  const retype = (types: Record<string, string>) =>
    columns.map((c) => (types[c.name] ? { name: c.name, type: types[c.name]! } : c));
  const stats = async (exprs: string[]) =>
    (await engine.query<Record<string, unknown>>(`SELECT ${exprs.join(', ')} FROM ${relation} t`))[0] ?? {};
  const scope: FitScope = { e, engine, relation, columns, kinds, has, need, fresh, retype, stats };

  switch (step.kind) {
    case 'select':
      for (const c of step.columns) has(c);
      return { ...step, output: step.columns.map((c) => columns.find((x) => x.name === c)!) };
    case 'drop':
      for (const c of step.columns) has(c);
      return { ...step, output: columns.filter((c) => !step.columns.includes(c.name)) };
    case 'rename': {
      for (const c of Object.keys(step.columns)) has(c);
      const output = columns.map((c) => ({ name: step.columns[c.name] ?? c.name, type: c.type }));
      const dup = output.find((c, i) => output.findIndex((x) => x.name === c.name) !== i);
      if (dup) e.fail(`two columns would be named ${JSON.stringify(dup.name)}`);
      return { ...step, output };
    }
    case 'cast':
      for (const [c, to] of Object.entries(step.columns)) {
        const k = has(c);
        if (!castAllowed(k, to))
          e.fail(
            `column ${JSON.stringify(c)} (${columns.find((x) => x.name === c)!.type}) cannot be cast to ${to}`,
          );
      }
      return { ...step, output: retype(step.columns) };
    case 'filter': {
      const typed = expression(e, step.expression, kinds);
      if (typed.k !== 'boolean')
        e.fail(
          `a filter must be a condition (true or false); ${JSON.stringify(step.expression)} is ${typed.k === 'null' ? 'always null' : typed.k === 'integer' ? 'an integer' : `a ${typed.k}`}`,
        );
      return { ...step, output: columns };
    }
    case 'derive': {
      let cols = columns;
      for (const [name, src] of Object.entries(step.columns)) {
        const typed = expression(e, src, kindsOf(cols));
        if (typed.k === 'null')
          e.fail(`${JSON.stringify(name)} is always null, which has no type; use coalesce or a cast`);
        const col = { name, type: typeOfKind[typed.k as Exclude<ValueKind, 'other'>] };
        cols = cols.some((c) => c.name === name)
          ? cols.map((c) => (c.name === name ? col : c))
          : [...cols, col];
      }
      return { ...step, output: cols };
    }
    case 'impute':
    case 'onehot':
    case 'ordinal':
    case 'standard_scale':
    case 'minmax_scale':
    case 'bucketize':
      return fitLearned(step, scope);
    case 'log':
      for (const c of step.columns) need(c, numeric, 'a number');
      return { ...step, output: retype(Object.fromEntries(step.columns.map((c) => [c, 'DOUBLE']))) };
    case 'clip': {
      const types: Record<string, string> = {};
      for (const [c, b] of Object.entries(step.columns)) {
        const k = need(c, numeric, 'a number');
        const ints = [b.min, b.max].every((x) => x === undefined || Number.isInteger(x));
        if (k === 'double' || !ints) types[c] = 'DOUBLE';
      }
      return { ...step, output: retype(types) };
    }
    case 'datetime_parts':
    case 'text_length': {
      const taken = new Set(names);
      const added = new Map<string, RecipeColumn[]>();
      const entries: [string, string[]][] =
        step.kind === 'text_length' ? step.columns.map((c) => [c, ['length']]) : Object.entries(step.columns);
      for (const [c, parts] of entries) {
        if (step.kind === 'text_length') need(c, (k) => k === 'string', 'text');
        else {
          const k = need(c, (x) => x === 'date' || x === 'timestamp', 'a date or timestamp');
          const timeOnly = parts.filter((p) => ['hour', 'minute', 'second'].includes(p));
          if (k === 'date' && timeOnly.length)
            e.fail(`column ${JSON.stringify(c)} is a DATE, which has no ${timeOnly.join(', ')}`);
        }
        const cols = parts.map((p) => ({ name: `${c}_${p}`, type: 'BIGINT' }));
        for (const n of cols) fresh(n.name, taken);
        added.set(c, cols);
      }
      return { ...step, output: columns.flatMap((x) => [x, ...(added.get(x.name) ?? [])]) } as FittedStep;
    }
    case 'pii': {
      const out: Record<string, { action: 'drop' | 'hash' | 'mask'; kind: string }> = {};
      for (const [c, p] of Object.entries(step.columns)) {
        if (p.action === 'drop') has(c);
        else need(c, (k) => k === 'string' || k === 'integer', 'text or integers to hash or mask');
        out[c] = { action: p.action, kind: p.kind ?? input.piiKinds[c] ?? 'text' };
        if (p.action === 'hash' && !ctx.piiKeys) {
          const pads = hmacPads(await input.piiSalt());
          const t = `lathe_pii_keys_${newId()}`;
          await engine.query(`CREATE TEMP TABLE ${t} AS SELECT ?::BLOB AS ipad, ?::BLOB AS opad`, [
            pads.ipad,
            pads.opad,
          ]);
          temps.push(t);
          ctx.piiKeys = t;
        }
        if (p.action === 'mask')
          ctx.maskTables.set(`${index}:${c}`, await maskTable(engine, relation, c, out[c]!.kind, temps));
      }
      const output = columns
        .filter((c) => out[c.name]?.action !== 'drop')
        .map((c) => (out[c.name] ? { name: c.name, type: 'VARCHAR' } : c));
      return { kind: 'pii', columns: out, output };
    }
    case 'deduplicate':
      for (const c of step.columns ?? []) has(c);
      return { ...step, output: columns };
    case 'join':
      return fitJoin(e, step, index, columns, input, ctx);
  }
}

function expression(e: StepError, src: string, kinds: Map<string, ValueKind>) {
  try {
    return checkExpression(parseExpression(src), kinds, src);
  } catch (err) {
    if (err instanceof LatheError) e.fail(err.message, err.details);
    throw err;
  }
}

/** A temporary table mapping each distinct value of `c` (as text) to its mask. */
async function maskTable(
  engine: TableEngine,
  relation: string,
  c: string,
  kind: string,
  temps: string[],
): Promise<string> {
  const t = `lathe_mask_${newId()}`;
  await engine.query(`CREATE TEMP TABLE ${t} (v VARCHAR PRIMARY KEY, m VARCHAR)`);
  temps.push(t);
  const values = await engine.query<{ v: string }>(
    `SELECT DISTINCT CAST(${q(c)} AS VARCHAR) AS v FROM ${relation} t WHERE ${q(c)} IS NOT NULL`,
  );
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    await engine.query(
      `INSERT INTO ${t} VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
      chunk.flatMap((r) => [r.v, maskPii(kind as never, r.v)]),
    );
  }
  return t;
}

async function fitJoin(
  e: StepError,
  step: Extract<RecipeStep, { kind: 'join' }>,
  index: number,
  columns: RecipeColumn[],
  input: FitInput,
  ctx: SqlContext,
): Promise<FittedStep> {
  let source: JoinSource;
  try {
    source = await input.resolveJoin(step.with);
  } catch (err) {
    if (err instanceof LatheError) e.fail(err.message);
    throw err;
  }
  const right = normalizedColumns(source.columns);
  const rightKinds = kindsOf(right);
  const leftKinds = kindsOf(columns);
  for (const k of step.on) {
    if (!leftKinds.has(k.left))
      e.fail(
        `unknown column ${JSON.stringify(k.left)}; the columns at this step are ${columns.map((c) => c.name).join(', ')}`,
      );
    if (!rightKinds.has(k.right))
      e.fail(
        `${source.ref} has no column ${JSON.stringify(k.right)}; its columns are ${right.map((c) => c.name).join(', ')}`,
      );
    const a = leftKinds.get(k.left)!;
    const b = rightKinds.get(k.right)!;
    if (a !== b && !(isNumericKind(a) && isNumericKind(b)))
      e.fail(`cannot join ${JSON.stringify(k.left)} (${a}) on ${JSON.stringify(k.right)} (${b})`);
  }
  const keys = new Set(step.on.map((k) => k.right));
  const wanted = step.columns ?? right.map((c) => c.name).filter((c) => !keys.has(c));
  const added: RecipeColumn[] = wanted.map((c) => {
    const col = right.find((x) => x.name === c);
    if (!col)
      e.fail(
        `${source.ref} has no column ${JSON.stringify(c)}; its columns are ${right.map((x) => x.name).join(', ')}`,
      );
    return { name: `${step.prefix}${c}`, type: col!.type };
  });
  const clash = added.find((c) => leftKinds.has(c.name));
  if (clash)
    e.fail(`the joined column ${JSON.stringify(clash.name)} exists already; choose columns or set a prefix`);
  ctx.joins.set(index, { path: source.path, columns: source.columns });
  return { ...step, with: source.ref, output: [...columns, ...added] };
}
