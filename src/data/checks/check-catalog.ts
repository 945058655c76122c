import type { CheckName, ThresholdOp } from './types.js';

/** The kind of value a suite field takes. */
export type FieldKind =
  | { type: 'columns' }
  | { type: 'column' }
  | { type: 'number'; min?: number; max?: number }
  | { type: 'integer'; min: number; max: number }
  | { type: 'bound' }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] };

export interface FieldSpec {
  kind: FieldKind;
  /** What the field means (used in error messages and docs). */
  about: string;
  default?: unknown;
}

/** What a check measures, and its default thresholds. */
export interface MeasureSpec {
  op: ThresholdOp;
  warn: number | null;
  fail: number | null;
  /** `share`: 0..1; `abs_r`: |Pearson r| 0..1; `days`: ≥ 0. */
  unit: 'share' | 'abs_r' | 'days';
  about: string;
}

export interface CheckDefinition {
  about: string;
  fields: Record<string, FieldSpec>;
  measure?: MeasureSpec;
  /** Runs in the built-in default suite (needs no configuration). */
  byDefault: boolean;
}

const columns = (about: string): FieldSpec => ({ kind: { type: 'columns' }, about });
const target: FieldSpec = {
  kind: { type: 'column' },
  about: "the target column (default: the version's column of semantic type target)",
};
const change = (about: string, d: string): FieldSpec => ({
  kind: { type: 'enum', values: ['pass', 'warn', 'fail'] },
  about,
  default: d,
});

/** Every check: its fields, what it measures and its default thresholds. */
export const checkCatalog: Record<CheckName, CheckDefinition> = {
  missing_values: {
    about: 'share of rows missing a value, per column',
    fields: { columns: columns('the columns to look at (default: all)') },
    measure: { op: '>', warn: 0.05, fail: 0.5, unit: 'share', about: 'share of rows missing' },
    byDefault: true,
  },
  duplicate_rows: {
    about: 'rows that repeat an earlier row exactly',
    fields: { columns: columns('compare only these columns (default: all)') },
    measure: { op: '>', warn: 0, fail: 0.05, unit: 'share', about: 'share of rows repeating an earlier one' },
    byDefault: true,
  },
  duplicate_ids: {
    about: 'identifier values that occur more than once',
    fields: {
      column: { kind: { type: 'column' }, about: 'the identifier column (default: every identifier column)' },
      columns: columns('a composite key: these columns together identify a row'),
    },
    measure: { op: '>', warn: null, fail: 0, unit: 'share', about: 'share of rows repeating an earlier id' },
    byDefault: true,
  },
  constant_columns: {
    about: 'constant and near-constant columns (one value holds most non-missing rows)',
    fields: { columns: columns('the columns to look at (default: all but the target)') },
    measure: {
      op: '>=',
      warn: 0.95,
      fail: 1,
      unit: 'share',
      about: 'share of non-missing values equal to the most frequent one',
    },
    byDefault: true,
  },
  mixed_types: {
    about: 'text columns holding numbers, dates and text together',
    fields: { columns: columns('the text columns to look at (default: all text columns)') },
    measure: {
      op: '>',
      warn: 0,
      fail: null,
      unit: 'share',
      about: "share of values not of the column's main kind (number, date or text)",
    },
    byDefault: true,
  },
  string_mismatches: {
    about:
      'one value written several ways (case, spaces, punctuation, accents) and special characters (control, non-printable, unexpected symbols)',
    fields: {
      columns: columns('the text columns to look at (default: categorical and text columns)'),
      variants: { kind: { type: 'boolean' }, about: 'look for variants of one value', default: true },
      special_characters: {
        kind: { type: 'boolean' },
        about: 'look for control, non-printable and unexpected characters',
        default: true,
      },
    },
    measure: {
      op: '>',
      warn: 0,
      fail: null,
      unit: 'share',
      about: 'share of non-missing values that are a minor variant or hold special characters',
    },
    byDefault: true,
  },
  out_of_range: {
    about: 'values outside min..max (numbers, or ISO dates for datetime columns)',
    fields: {
      column: { kind: { type: 'column' }, about: 'the column (required)' },
      min: { kind: { type: 'bound' }, about: 'the smallest valid value' },
      max: { kind: { type: 'bound' }, about: 'the largest valid value' },
    },
    measure: {
      op: '>',
      warn: null,
      fail: 0,
      unit: 'share',
      about: 'share of non-missing values out of range',
    },
    byDefault: false,
  },
  outliers: {
    about: 'outlying numeric values: IQR fences, z-scores, or an isolation forest over the numeric columns',
    fields: {
      columns: columns('the numeric columns (default: all numeric columns but identifiers and the target)'),
      method: {
        kind: { type: 'enum', values: ['iqr', 'zscore', 'isolation_forest'] },
        about: 'how outliers are found',
        default: 'iqr',
      },
      k: {
        kind: { type: 'number', min: 0 },
        about: 'iqr: fences at Q1 − k·IQR and Q3 + k·IQR',
        default: 1.5,
      },
      z: {
        kind: { type: 'number', min: 0 },
        about: 'zscore: |x − mean| / std above which a value is an outlier',
        default: 3,
      },
      score: {
        kind: { type: 'number', min: 0, max: 1 },
        about: 'isolation_forest: the anomaly score above which a row is an outlier',
        default: 0.65,
      },
      trees: { kind: { type: 'integer', min: 1, max: 1000 }, about: 'isolation_forest: trees', default: 100 },
      sample_size: {
        kind: { type: 'integer', min: 2, max: 65536 },
        about: 'isolation_forest: rows per tree',
        default: 256,
      },
      max_rows: {
        kind: { type: 'integer', min: 1000, max: 5_000_000 },
        about: 'isolation_forest: past this many rows, a random sample of this size is scored',
        default: 200_000,
      },
      seed: {
        kind: { type: 'integer', min: 0, max: 2 ** 31 - 1 },
        about: 'isolation_forest: random seed',
        default: 42,
      },
    },
    measure: {
      op: '>',
      warn: 0.05,
      fail: null,
      unit: 'share',
      about: 'share of values (or rows) that are outliers',
    },
    byDefault: true,
  },
  class_imbalance: {
    about: 'the smallest class of the target is rare',
    fields: {
      target,
      max_classes: {
        kind: { type: 'integer', min: 2, max: 10_000 },
        about: 'a target with more distinct values is taken as continuous and the check is skipped',
        default: 50,
      },
    },
    measure: { op: '<', warn: 0.1, fail: 0.01, unit: 'share', about: 'share of rows in the smallest class' },
    byDefault: true,
  },
  conflicting_labels: {
    about: 'rows with the same feature values but different targets',
    fields: {
      target,
      columns: columns('the features (default: all columns but the target and identifiers)'),
    },
    measure: { op: '>', warn: 0, fail: 0.05, unit: 'share', about: 'share of rows in conflicting groups' },
    byDefault: true,
  },
  target_leakage: {
    about: 'numeric features correlated with the target so strongly that they may leak it',
    fields: { target, columns: columns('the features (default: numeric and boolean columns)') },
    measure: {
      op: '>=',
      warn: 0.9,
      fail: 0.98,
      unit: 'abs_r',
      about: '|Pearson r| of a feature with the target',
    },
    byDefault: true,
  },
  new_categories: {
    about: 'categories not seen in the reference version',
    fields: { columns: columns('the categorical columns (default: categorical and boolean columns)') },
    measure: {
      op: '>',
      warn: 0,
      fail: 0.1,
      unit: 'share',
      about: 'share of non-missing values in new categories',
    },
    byDefault: true,
  },
  schema_change: {
    about: 'columns added, removed, or changed in physical or semantic type since the reference version',
    fields: {
      added: change('status of an added column', 'warn'),
      removed: change('status of a removed column', 'fail'),
      type_changed: change('status of a physical type change', 'fail'),
      semantic_changed: change('status of a semantic type change', 'warn'),
    },
    byDefault: true,
  },
  insufficient_history: {
    about: 'a time series too short, with too few periods holding rows, or with gaps',
    fields: {
      column: { kind: { type: 'column' }, about: 'the datetime column (default: the only one)' },
      period: {
        kind: { type: 'enum', values: ['hour', 'day', 'week', 'month', 'year'] },
        about: 'the period min_periods counts in',
        default: 'month',
      },
      min_periods: {
        kind: { type: 'integer', min: 1, max: 1_000_000 },
        about: 'fail when fewer periods hold rows',
      },
      max_gap_days: { kind: { type: 'number', min: 0 }, about: 'warn when a stretch without rows is longer' },
    },
    measure: {
      op: '<',
      warn: 365,
      fail: 90,
      unit: 'days',
      about: 'days from the first to the last timestamp',
    },
    byDefault: false,
  },
};

/** Fields every check takes. */
export const commonFields: Record<string, FieldSpec> = {
  check: { kind: { type: 'enum', values: [] }, about: 'the check to run' },
  name: { kind: { type: 'string' }, about: 'a label for the check in results and reports' },
  severity: {
    kind: { type: 'enum', values: ['warn', 'fail'] },
    about: '`warn`: never fail the suite; `fail`: warnings fail',
  },
};

/** Fields of checks that measure a quantity. */
export const thresholdFields = ['warn', 'fail'] as const;
