/**
 * The types of transform recipes: the declarative recipe a user writes, and the fitted recipe
 * (the recipe plus what was learned from the data) that both the batch path and the row path
 * apply. Pure types: safe for the SDK and browsers.
 */

/**
 * What a column holds, as the recipe sees it. Inputs are normalised first: every integer type is
 * BIGINT (`integer`), FLOAT/DECIMAL are DOUBLE (`double`), timestamps of any precision or zone are
 * TIMESTAMP in UTC (`timestamp`). Anything else (`other`) passes through untouched and no step may
 * use it.
 */
export type ValueKind = 'integer' | 'double' | 'string' | 'boolean' | 'date' | 'timestamp' | 'other';

/** One column at some point of a recipe: its name and DuckDB type (`BIGINT`, `DOUBLE`, `VARCHAR`…). */
export interface RecipeColumn {
  name: string;
  type: string;
}

/** A value a recipe can hold (categories, imputed constants, fitted statistics). */
export type RecipeValue = string | number | boolean | null;

/** Statistics `impute` learns. */
export type ImputeStrategy = 'mean' | 'median' | 'mode' | { constant: RecipeValue };

/** The types `cast` converts to. */
export const castTypes = ['BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP'] as const;
export type CastType = (typeof castTypes)[number];

/** Parts `datetime_parts` extracts (weekday: ISO, Monday = 1 … Sunday = 7). */
export const datetimeParts = [
  'year',
  'quarter',
  'month',
  'day',
  'weekday',
  'dayofyear',
  'hour',
  'minute',
  'second',
] as const;
export type DatetimePart = (typeof datetimeParts)[number];

/** The PII actions: remove the column, replace values by salted hashes, or mask them. */
export type PiiStepAction = 'drop' | 'hash' | 'mask';

/** One step of a recipe, as validated. `kind` is the step's key in the recipe document. */
export type RecipeStep =
  | { kind: 'select'; columns: string[] }
  | { kind: 'drop'; columns: string[] }
  | { kind: 'rename'; columns: Record<string, string> }
  | { kind: 'cast'; columns: Record<string, CastType> }
  | { kind: 'filter'; expression: string }
  | { kind: 'derive'; columns: Record<string, string> }
  | { kind: 'impute'; columns: Record<string, ImputeStrategy> }
  | { kind: 'onehot'; columns: string[]; maxCategories: number }
  | { kind: 'ordinal'; columns: string[]; categories: Record<string, RecipeValue[]> }
  | { kind: 'standard_scale'; columns: string[] }
  | { kind: 'minmax_scale'; columns: string[] }
  | { kind: 'log'; columns: string[] }
  | { kind: 'clip'; columns: Record<string, { min?: number; max?: number }> }
  | {
      kind: 'bucketize';
      columns: Record<string, { bins: number; strategy: 'quantile' | 'uniform' } | { edges: number[] }>;
    }
  | { kind: 'datetime_parts'; columns: Record<string, DatetimePart[]> }
  | { kind: 'text_length'; columns: string[] }
  | { kind: 'pii'; columns: Record<string, { action: PiiStepAction; kind?: string }> }
  | { kind: 'deduplicate'; columns: string[] | null; keep: 'first' | 'last' }
  | {
      kind: 'join';
      with: string;
      on: { left: string; right: string }[];
      how: 'left' | 'inner';
      columns: string[] | null;
      prefix: string;
    };

export type StepKind = RecipeStep['kind'];

/** How rows are split into train/validation/test versions. */
export interface RecipeSplit {
  kind: 'random' | 'stratified' | 'time' | 'group';
  /** Shares by split name (`train`, `validation`, `test`), each > 0, summing to 1. */
  ratios: Partial<Record<SplitName, number>>;
  /** stratified: the label; time: the timestamp; group: the group key. */
  column?: string;
  seed: number;
}

export const splitNames = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof splitNames)[number];

/** A validated recipe document (format version 1). */
export interface Recipe {
  version: 1;
  steps: RecipeStep[];
  split?: RecipeSplit;
  /** The dataset the result becomes a version of (with a split: `<output>-train`, …). */
  output?: string;
}

/** A step with what fitting learned, and the columns after it. */
export type FittedStep = (
  | Exclude<
      RecipeStep,
      { kind: 'impute' | 'onehot' | 'ordinal' | 'standard_scale' | 'minmax_scale' | 'bucketize' | 'pii' }
    >
  | { kind: 'impute'; columns: Record<string, { strategy: ImputeStrategy; value: RecipeValue }> }
  | {
      kind: 'onehot';
      columns: Record<string, { categories: RecipeValue[]; names: string[]; unseen: string }>;
    }
  | { kind: 'ordinal'; columns: Record<string, { categories: RecipeValue[] }> }
  | { kind: 'standard_scale'; columns: Record<string, { mean: number; std: number }> }
  | { kind: 'minmax_scale'; columns: Record<string, { min: number; range: number }> }
  | { kind: 'bucketize'; columns: Record<string, { edges: number[] }> }
  | { kind: 'pii'; columns: Record<string, { action: PiiStepAction; kind: string }> }
) & {
  /** The columns after this step, in order. */
  output: RecipeColumn[];
};

/** The format tag of fitted recipes. */
export const fittedRecipeFormat = 'lathe.fitted-recipe';

/**
 * A recipe fitted on one dataset version: plain JSON, stored as an artifact (a blob whose digest
 * the produced versions record). `applyFittedRecipe` applies it to single rows; the batch path
 * applies the same parameters with DuckDB.
 */
export interface FittedRecipe {
  format: typeof fittedRecipeFormat;
  formatVersion: 1;
  /** The recipe as validated. */
  recipe: Recipe;
  /** The version it was fitted on (`name@3`). */
  fittedOn: string;
  /** ISO 8601 UTC. */
  fittedAt: string;
  /** The columns the recipe reads (normalised types, see `ValueKind`). */
  input: RecipeColumn[];
  /** The columns it writes. */
  output: RecipeColumn[];
  steps: FittedStep[];
  /** Set when a step hashes PII: identifies the salt used (not the salt). */
  piiSaltId?: string;
}
