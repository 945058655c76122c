/**
 * Reading and validating recipe documents (YAML text, JSON text, or an already parsed object)
 * into `Recipe`. Structure only: whether columns exist is checked against the data when the
 * recipe is planned (see recipe-plan.ts).
 */
import { parse as parseYaml } from 'yaml';
import { describeValue, LatheError } from '../../core/errors.js';
import { checkDatasetName, parseDatasetRef } from '../refs.js';
import {
  type CastType,
  castTypes,
  type DatetimePart,
  datetimeParts,
  type ImputeStrategy,
  type PiiStepAction,
  type Recipe,
  type RecipeSplit,
  type RecipeStep,
  type RecipeValue,
  type SplitName,
  splitNames,
  type StepKind,
} from './recipe-types.js';

/** Every step a recipe may hold, in documentation order. */
export const stepKinds: readonly StepKind[] = [
  'select',
  'drop',
  'rename',
  'cast',
  'filter',
  'derive',
  'impute',
  'onehot',
  'ordinal',
  'standard_scale',
  'minmax_scale',
  'log',
  'clip',
  'bucketize',
  'datetime_parts',
  'text_length',
  'pii',
  'deduplicate',
  'join',
];

const castAliases: Record<string, CastType> = {
  INT: 'BIGINT',
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  BOOL: 'BOOLEAN',
};

/** The longest split suffix, so output names leave room for it. */
const longestSuffix = '-validation'.length;

class Reader {
  constructor(readonly where: string) {}

  fail(message: string): never {
    throw new LatheError('RECIPE_INVALID', `${this.where}: ${message}`);
  }

  object(v: unknown, what: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(`${what} must be a mapping; got ${describeValue(v)}`);
    return v as Record<string, unknown>;
  }

  name(v: unknown, what: string): string {
    if (typeof v !== 'string' || v.length === 0 || v.length > 256 || v.includes('\0'))
      this.fail(`${what} must be a column name (1-256 characters); got ${describeValue(v)}`);
    return v as string;
  }

  names(v: unknown, what: string): string[] {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0)
      this.fail(`${what} must be a list of column names; got ${describeValue(v)}`);
    const out = (list as unknown[]).map((x) => this.name(x, `each of ${what}`));
    const dup = out.find((x, i) => out.indexOf(x) !== i);
    if (dup !== undefined) this.fail(`${what} names ${JSON.stringify(dup)} twice`);
    return out;
  }

  mapping<T>(v: unknown, what: string, each: (value: unknown, key: string) => T): Record<string, T> {
    const o = this.object(v, what);
    const keys = Object.keys(o);
    if (keys.length === 0) this.fail(`${what} must name at least one column`);
    const out: Record<string, T> = {};
    for (const k of keys) out[this.name(k, 'a column')] = each(o[k], k);
    return out;
  }

  keys(o: Record<string, unknown>, allowed: string[], what: string): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        this.fail(`${what} has an unknown field ${JSON.stringify(k)}; the fields are ${allowed.join(', ')}`);
  }

  number(v: unknown, what: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(`${what} must be a number; got ${describeValue(v)}`);
    return v as number;
  }

  int(v: unknown, what: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      this.fail(`${what} must be a whole number from ${min} to ${max}; got ${describeValue(v)}`);
    return v as number;
  }

  value(v: unknown, what: string): RecipeValue {
    if (
      v === null ||
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    )
      return v;
    return this.fail(`${what} must be a string, number, boolean or null; got ${describeValue(v)}`);
  }
}

function parseStep(raw: unknown, index: number): RecipeStep {
  const r = new Reader(`step ${index + 1}`);
  const o = r.object(raw, 'a step');
  const keys = Object.keys(o);
  if (keys.length !== 1)
    r.fail(
      `a step is a mapping with one key, the step's kind (one of ${stepKinds.join(', ')}); got ${keys.length ? keys.join(', ') : 'none'}`,
    );
  const kind = keys[0] as StepKind;
  if (!stepKinds.includes(kind))
    r.fail(`unknown step ${JSON.stringify(kind)}; the steps are ${stepKinds.join(', ')}`);
  const s = new Reader(`step ${index + 1} (${kind})`);
  const v = o[kind];
  switch (kind) {
    case 'select':
    case 'drop':
    case 'standard_scale':
    case 'minmax_scale':
    case 'log':
    case 'text_length':
      return { kind, columns: s.names(v, 'the columns') };
    case 'rename': {
      const columns = s.mapping(v, 'rename', (x) => s.name(x, 'a new name'));
      const targets = Object.values(columns);
      const dup = targets.find((x, i) => targets.indexOf(x) !== i);
      if (dup !== undefined) s.fail(`two columns would be named ${JSON.stringify(dup)}`);
      return { kind, columns };
    }
    case 'cast':
      return {
        kind,
        columns: s.mapping(v, 'cast', (x) => {
          const t = typeof x === 'string' ? x.toUpperCase() : '';
          const type = castAliases[t] ?? (castTypes.includes(t as CastType) ? (t as CastType) : null);
          if (!type) s.fail(`a cast type is one of ${castTypes.join(', ')}; got ${describeValue(x)}`);
          return type!;
        }),
      };
    case 'filter':
      if (typeof v !== 'string' || v.trim() === '')
        s.fail(`a filter is an expression such as "age >= 18"; got ${describeValue(v)}`);
      return { kind, expression: v as string };
    case 'derive':
      return {
        kind,
        columns: s.mapping(v, 'derive', (x, k) => {
          if (typeof x !== 'string' || x.trim() === '')
            s.fail(`${JSON.stringify(k)} must be an expression such as "a / b"; got ${describeValue(x)}`);
          return x as string;
        }),
      };
    case 'impute':
      return {
        kind,
        columns: s.mapping(v, 'impute', (x, k): ImputeStrategy => {
          if (x === 'mean' || x === 'median' || x === 'mode') return x;
          if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'constant' in x) {
            s.keys(x as Record<string, unknown>, ['constant'], `impute of ${JSON.stringify(k)}`);
            return { constant: s.value((x as { constant: unknown }).constant, 'the constant') };
          }
          return s.fail(
            `impute of ${JSON.stringify(k)} is mean, median, mode or { constant: VALUE }; got ${describeValue(x)}`,
          );
        }),
      };
    case 'onehot': {
      const spec = Array.isArray(v) || typeof v === 'string' ? { columns: v } : s.object(v, 'onehot');
      s.keys(spec, ['columns', 'max_categories'], 'onehot');
      const maxCategories =
        spec['max_categories'] === undefined ? 20 : s.int(spec['max_categories'], 'max_categories', 1, 1000);
      return { kind, columns: s.names(spec['columns'], 'the columns'), maxCategories };
    }
    case 'ordinal': {
      const spec = Array.isArray(v) || typeof v === 'string' ? { columns: v } : s.object(v, 'ordinal');
      s.keys(spec, ['columns', 'categories'], 'ordinal');
      const columns = s.names(spec['columns'], 'the columns');
      const categories =
        spec['categories'] === undefined
          ? {}
          : s.mapping(spec['categories'], 'categories', (x, k) => {
              if (!columns.includes(k))
                s.fail(`categories are given for ${JSON.stringify(k)}, which is not among the columns`);
              if (!Array.isArray(x) || x.length === 0)
                s.fail(`categories of ${JSON.stringify(k)} must be a list of values`);
              return (x as unknown[]).map((c) => s.value(c, 'a category'));
            });
      return { kind, columns, categories };
    }
    case 'clip':
      return {
        kind,
        columns: s.mapping(v, 'clip', (x, k) => {
          const b = s.object(x, `clip of ${JSON.stringify(k)}`);
          s.keys(b, ['min', 'max'], `clip of ${JSON.stringify(k)}`);
          const out: { min?: number; max?: number } = {};
          if (b['min'] !== undefined) out.min = s.number(b['min'], 'min');
          if (b['max'] !== undefined) out.max = s.number(b['max'], 'max');
          if (out.min === undefined && out.max === undefined)
            s.fail(`clip of ${JSON.stringify(k)} needs min, max or both`);
          if (out.min !== undefined && out.max !== undefined && out.min > out.max)
            s.fail(`clip of ${JSON.stringify(k)}: min ${out.min} is above max ${out.max}`);
          return out;
        }),
      };
    case 'bucketize':
      return {
        kind,
        columns: s.mapping(v, 'bucketize', (x, k) => {
          const b = s.object(x, `bucketize of ${JSON.stringify(k)}`);
          if (b['edges'] !== undefined) {
            s.keys(b, ['edges'], `bucketize of ${JSON.stringify(k)}`);
            if (!Array.isArray(b['edges']) || b['edges'].length === 0 || b['edges'].length > 1000)
              s.fail('edges must be a list of 1 to 1000 numbers');
            const edges = (b['edges'] as unknown[]).map((e) => s.number(e, 'an edge'));
            if (edges.some((e, i) => i > 0 && e <= edges[i - 1]!))
              s.fail('edges must be in increasing order');
            return { edges };
          }
          s.keys(b, ['bins', 'strategy'], `bucketize of ${JSON.stringify(k)}`);
          const strategy = b['strategy'] ?? 'quantile';
          if (strategy !== 'quantile' && strategy !== 'uniform')
            s.fail(`strategy is quantile or uniform; got ${describeValue(strategy)}`);
          return { bins: s.int(b['bins'], 'bins', 2, 1000), strategy: strategy as 'quantile' | 'uniform' };
        }),
      };
    case 'datetime_parts':
      return {
        kind,
        columns: s.mapping(v, 'datetime_parts', (x) => {
          const parts = s.names(x, 'the parts');
          for (const p of parts)
            if (!datetimeParts.includes(p as DatetimePart))
              s.fail(`a part is one of ${datetimeParts.join(', ')}; got ${JSON.stringify(p)}`);
          return parts as DatetimePart[];
        }),
      };
    case 'pii':
      return {
        kind,
        columns: s.mapping(v, 'pii', (x, k) => {
          const spec = typeof x === 'string' ? { action: x } : s.object(x, `pii of ${JSON.stringify(k)}`);
          s.keys(spec, ['action', 'kind'], `pii of ${JSON.stringify(k)}`);
          const action = spec['action'];
          if (action !== 'drop' && action !== 'hash' && action !== 'mask')
            s.fail(`a PII action is drop, hash or mask; got ${describeValue(action)}`);
          const out: { action: PiiStepAction; kind?: string } = { action: action as PiiStepAction };
          if (spec['kind'] !== undefined) out.kind = s.name(spec['kind'], 'kind');
          return out;
        }),
      };
    case 'deduplicate': {
      const spec =
        v === null || v === true ? {} : Array.isArray(v) ? { columns: v } : s.object(v, 'deduplicate');
      s.keys(spec, ['columns', 'keep'], 'deduplicate');
      const keep = spec['keep'] ?? 'first';
      if (keep !== 'first' && keep !== 'last') s.fail(`keep is first or last; got ${describeValue(keep)}`);
      return {
        kind,
        columns: spec['columns'] === undefined ? null : s.names(spec['columns'], 'the columns'),
        keep: keep as 'first' | 'last',
      };
    }
    case 'join': {
      const spec = s.object(v, 'join');
      s.keys(spec, ['with', 'on', 'how', 'columns', 'prefix'], 'join');
      if (typeof spec['with'] !== 'string')
        s.fail(`with names the version to join, such as "plans@3"; got ${describeValue(spec['with'])}`);
      try {
        parseDatasetRef(spec['with']);
      } catch (err) {
        s.fail((err as Error).message);
      }
      const rawOn = spec['on'];
      const on =
        typeof rawOn === 'object' && rawOn !== null && !Array.isArray(rawOn)
          ? Object.entries(s.mapping(rawOn, 'on', (x) => s.name(x, 'a column of the joined version'))).map(
              ([left, right]) => ({ left, right }),
            )
          : s.names(rawOn, 'on').map((c) => ({ left: c, right: c }));
      const how = spec['how'] ?? 'left';
      if (how !== 'left' && how !== 'inner') s.fail(`how is left or inner; got ${describeValue(how)}`);
      const prefix = spec['prefix'] ?? '';
      if (typeof prefix !== 'string' || prefix.length > 64)
        s.fail(`prefix must be text of at most 64 characters; got ${describeValue(prefix)}`);
      return {
        kind,
        with: spec['with'] as string,
        on,
        how: how as 'left' | 'inner',
        columns: spec['columns'] === undefined ? null : s.names(spec['columns'], 'the columns'),
        prefix: prefix as string,
      };
    }
  }
}

function parseSplit(v: unknown): RecipeSplit {
  const r = new Reader('split');
  const o = r.object(v, 'split');
  r.keys(o, ['kind', 'ratios', 'column', 'seed'], 'split');
  const kinds = ['random', 'stratified', 'time', 'group'];
  if (!kinds.includes(o['kind'] as string))
    r.fail(`kind is one of ${kinds.join(', ')}; got ${describeValue(o['kind'])}`);
  const ratiosIn = r.object(o['ratios'], 'ratios');
  const ratios: Partial<Record<SplitName, number>> = {};
  for (const [k, x] of Object.entries(ratiosIn)) {
    if (!splitNames.includes(k as SplitName))
      r.fail(`a ratio is named ${splitNames.join(', ')}; got ${JSON.stringify(k)}`);
    const n = r.number(x, `the ${k} ratio`);
    if (n <= 0 || n >= 1) r.fail(`the ${k} ratio must be between 0 and 1 (exclusive); got ${n}`);
    ratios[k as SplitName] = n;
  }
  const sum = Object.values(ratios).reduce((a, b) => a + b, 0);
  if (Object.keys(ratios).length < 2 || Math.abs(sum - 1) > 1e-9)
    r.fail(
      `ratios must name at least two of ${splitNames.join(', ')} and add up to 1; they add up to ${sum}`,
    );
  const kind = o['kind'] as RecipeSplit['kind'];
  const out: RecipeSplit = {
    kind,
    ratios,
    seed: o['seed'] === undefined ? 42 : r.int(o['seed'], 'seed', 0, 2 ** 31 - 1),
  };
  if (kind !== 'random') {
    if (o['column'] === undefined)
      r.fail(
        `a ${kind} split needs column (${kind === 'stratified' ? 'the label' : kind === 'time' ? 'the timestamp' : 'the group key'})`,
      );
    out.column = r.name(o['column'], 'column');
  } else if (o['column'] !== undefined) r.fail('a random split takes no column');
  return out;
}

/**
 * Validates a recipe given as an object (parsed JSON/YAML).
 * @throws LatheError RECIPE_INVALID saying where and what was expected.
 */
export function parseRecipe(input: unknown): Recipe {
  const r = new Reader('recipe');
  const o = r.object(input, 'a recipe');
  r.keys(o, ['version', 'steps', 'split', 'output'], 'the recipe');
  if (o['version'] !== 1)
    r.fail(`version must be 1 (the recipe format this server reads); got ${describeValue(o['version'])}`);
  const rawSteps = o['steps'] ?? [];
  if (!Array.isArray(rawSteps)) r.fail(`steps must be a list; got ${describeValue(rawSteps)}`);
  if ((rawSteps as unknown[]).length > 500) r.fail('a recipe holds at most 500 steps');
  const recipe: Recipe = { version: 1, steps: (rawSteps as unknown[]).map(parseStep) };
  if (o['split'] !== undefined) recipe.split = parseSplit(o['split']);
  if (!recipe.steps.length && !recipe.split) r.fail('a recipe needs steps, a split, or both');
  if (o['output'] !== undefined) {
    try {
      recipe.output = checkDatasetName(o['output']);
    } catch (err) {
      r.fail(`output: ${(err as Error).message}`);
    }
    if (recipe.split && recipe.output!.length > 128 - longestSuffix)
      r.fail(
        `output must be at most ${128 - longestSuffix} characters with a split (it gets -train, -validation, -test)`,
      );
  }
  return recipe;
}

/**
 * Reads a recipe from YAML or JSON text (JSON is YAML), then validates it.
 * @throws LatheError RECIPE_INVALID with the line of a syntax error.
 */
export function parseRecipeText(text: string): Recipe {
  if (typeof text !== 'string' || text.trim() === '')
    throw new LatheError('RECIPE_INVALID', 'the recipe text is empty');
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new LatheError(
      'RECIPE_INVALID',
      `the recipe is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  return parseRecipe(doc);
}
