/**
 * The shapes of the inference store: prediction and actual records as stored, the answers of the
 * ingest calls, and the windows queries compare.
 */
import type { DriftStatistics, DriftThresholds } from '../data/index.js';

/** A feature, prediction or actual value as logged. */
export type FeatureValue = number | string | boolean | null;

/** How a model's feature is compared: numbers, categories (strings) or booleans. */
export type FeatureKind = 'numeric' | 'categorical' | 'boolean';

/** The environments every store knows; any other name (lowercase, digits, `-`, `_`) is allowed. */
export const standardEnvironments = ['training', 'validation', 'production'] as const;

/** What an environment name may be: lowercase letters, digits, `-`, `_`; at most 63 characters. */
export const environmentPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A prediction record as stored, after validation. Times are epoch milliseconds (UTC). */
export interface PredictionRecord {
  predictionId: string;
  timestamp: number;
  model: string;
  modelVersion: string;
  /** `training`, `validation`, `production` (the default) or a named one. */
  environment: string;
  endpoint: string | null;
  /** The features as served (before one-hot encoding). */
  features: Record<string, FeatureValue>;
  /** A class label or a number. */
  prediction: FeatureValue;
  /** Class → probability, for classifiers that give them. */
  probabilities: Record<string, number> | null;
  latencyMs: number | null;
  /** Slice keys, e.g. `{ region: 'eu' }`. */
  tags: Record<string, string>;
  /** Feature → SHAP value of the prediction, when logged. */
  shap: Record<string, number> | null;
}

/** A ground-truth record: the actual outcome of prediction `predictionId`. */
export interface ActualRecord {
  predictionId: string;
  actual: number | string | boolean;
  /** When the outcome was observed (epoch ms, UTC). */
  timestamp: number;
}

/** Why one record of a batch was refused: its index in the batch and a sentence. */
export interface RecordError {
  index: number;
  predictionId: string | null;
  error: string;
}

/** What a prediction batch did: records stored (durably) and refused. At most 100 errors are listed. */
export interface IngestResult {
  accepted: number;
  rejected: number;
  errors: RecordError[];
}

/**
 * What an actuals batch did. Every accepted actual is stored; `matched` of them name a logged
 * prediction, `unknown` do not (yet), `duplicates` replace an earlier actual of the same prediction
 * (the last one written wins).
 */
export interface ActualsResult extends IngestResult {
  matched: number;
  unknown: number;
  /** Up to 100 of the unknown prediction IDs. */
  unknownIds: string[];
  duplicates: number;
}

/** One feature of a monitored model. */
export interface MonitoredFeature {
  name: string;
  kind: FeatureKind;
}

/** How old records are thinned. */
export interface Downsample {
  afterDays: number;
  /** The share of rows kept, in (0, 1). */
  keep: number;
}

/** A model the store has records of, with the schema its records are held to. */
export interface MonitoredModel {
  name: string;
  /** `classification` when predictions are labels, `regression` when they are numbers. */
  task: 'classification' | 'regression' | null;
  features: MonitoredFeature[];
  /** Class labels seen in predictions, probabilities or actuals (classification). */
  classes: string[];
  /** Days records are kept (null: forever). */
  retentionDays: number | null;
  /** Records older than `afterDays` are thinned to a `keep` share (an evenly hashed sample by ID). */
  downsample: Downsample | null;
  /** Epoch ms (UTC). */
  createdAt: number;
}

/**
 * A slice of one model's records: an environment, a time range `[from, to)` in epoch ms, a model
 * version, and equality filters on tags or features (`{ region: 'eu' }` matches the tag `region`,
 * else the feature). Every field is optional.
 */
export interface RecordWindow {
  environment?: string;
  from?: number;
  to?: number;
  version?: string;
  where?: Record<string, string | number | boolean>;
}

/** Options of a drift query. */
export interface DriftQueryOptions {
  thresholds?: Partial<DriftThresholds>;
  /**
   * Values per side feeding KS and Wasserstein (evenly spaced in arrival order beyond; PSI and
   * Jensen–Shannon always count every value). Default 1,000,000.
   */
  sampleSize?: number;
  /** Only these features (default: all). */
  features?: string[];
}

/** How one feature (or the prediction) moved between the baseline and the current window. */
export interface FeatureDrift {
  feature: string;
  kind: FeatureKind;
  rows: { baseline: number; current: number };
  /** Share of rows without a value, per side. */
  missing: { baseline: number; current: number };
  statistics: DriftStatistics | null;
  drifted: boolean;
  reasons: string[];
  /** Numeric features: both sides counted on the baseline's bins. */
  histogram: { edges: number[]; baseline: number[]; current: number[] } | null;
  /** Categorical and boolean features: the most frequent categories, both sides. */
  categories: { values: string[]; baseline: number[]; current: number[] } | null;
}

/** The answer of a drift query: per feature, for the prediction, and the share drifted. */
export interface DriftReport {
  model: string;
  baseline: RecordWindow & { rows: number };
  current: RecordWindow & { rows: number };
  features: FeatureDrift[];
  prediction: FeatureDrift | null;
  /** Drifted features / compared features (0 when none compared). */
  driftShare: number;
  drifted: string[];
  thresholds: DriftThresholds;
  sampleSize: number;
}
