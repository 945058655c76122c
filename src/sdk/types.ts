// Wire types of the Lathe HTTP API (JSON; times are ISO-8601 UTC strings).
// Type-only imports from the domain modules are erased at build time, so the SDK stays browser-safe.

export type { ApiToken, AuditEvent, Permission, Role, TokenScope, User } from '../auth/index.js';
import type { Permission, Role } from '../auth/index.js';

export interface Me {
  user: { id: string; name: string; role: Role };
  permissions: Permission[];
  tokenId: string | null;
  authEnabled: boolean;
}

export interface SystemInfo {
  version: string;
  authEnabled: boolean;
  metaStore: 'sqlite' | 'postgres';
  blobStore: string;
  startedAt: string;
  uptimeSeconds: number;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks?: Record<string, { status: 'ok' | 'unavailable'; message?: string }>;
}

/** The JSON body of every error the API returns. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}

// ── Jobs and training (see docs/training.md) ─────────────────────────────────────────────────

/** Where a job is in its life; `succeeded`, `failed` and `cancelled` are final. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job's latest progress report. */
export interface JobProgress {
  /** What it is doing: `loading`, `cross-validating`, `fitting`, `evaluating`, `saving`, … */
  phase: string;
  /** A line for people. */
  message?: string;
  /** Units done and planned (rounds, trees, folds, trials). */
  done?: number;
  total?: number;
  /** Latest metrics (validation metric of the fit, best score so far of a search…). */
  metrics?: Record<string, number>;
  /** Estimated seconds left, when `done` and `total` say. */
  etaSeconds?: number;
  /** ISO-8601 UTC. */
  updatedAt: string;
}

/** A background job (`train`, `tune`, `automl`, `explain`): what was asked, how far it is, what it made. */
export interface Job<Spec = unknown, Result = unknown> {
  /** `job_…`. */
  id: string;
  kind: string;
  status: JobStatus;
  /** The spec as the server validated and normalised it. */
  spec: Spec;
  progress: JobProgress | null;
  /** What the job produced; null until it succeeded (a cancelled fit may keep a partial result). */
  result: Result | null;
  /** Why it failed: the error code and message. */
  error: { code: string; message: string } | null;
  /** The user who started it. */
  createdBy: string;
  /** ISO-8601 UTC times. */
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** Filters of a job listing (newest first). */
export interface JobListQuery {
  kind?: string;
  status?: JobStatus;
  /** 1..500, default 50. */
  limit?: number;
}

/** A model family training can fit (`GET /api/v1/training/models`). */
export interface ModelFamilyInfo {
  /** `gbdt`, `rf`, `logistic`, … */
  name: string;
  summary: string;
  /** The tasks it does: binary, multiclass, regression. */
  tasks: string[];
  /** Hyperparameter name → help text (range and default). */
  params: Record<string, string>;
}

/** The kind of prediction. */
export type TrainTask = 'binary' | 'multiclass' | 'regression';

/** A hyperparameter value. */
export type HyperparameterValue = string | number | boolean | null | readonly (string | number)[];

/** The values one hyperparameter may take in a search. */
export type ParamDomain =
  /** Integers in [low, high], uniformly or log-uniformly (`log`, low >= 1). */
  | { type: 'int'; low: number; high: number; log?: boolean }
  /** Reals in [low, high], uniformly or log-uniformly (`log`, low > 0). */
  | { type: 'float'; low: number; high: number; log?: boolean }
  /** One of a fixed list. */
  | { type: 'categorical'; choices: readonly (string | number | boolean | null)[] };

/** Hyperparameter name → domain, in the family's own names. */
export type SearchSpace = Record<string, ParamDomain>;

/** A `train` job: fit one model family on a dataset version. */
export interface TrainSpec {
  /** The dataset version, `name@3` or `name@latest`. */
  data: string;
  /** The column to predict. */
  target: string;
  /** The model family (`gbdt`, `rf`, `logistic`, …; see `training.models()`). */
  model: string;
  /** Inferred from the target when absent. */
  task?: TrainTask;
  /** The feature columns; default every column but the target, identifiers, datetimes, free text and PII. */
  features?: string[];
  /** Columns to leave out of the default features. */
  drop?: string[];
  /** Hyperparameters in the family's own names. */
  params?: Record<string, HyperparameterValue>;
  /** Share of rows held out for the test metrics, in (0, 0.9] (default 0.2). */
  testSize?: number;
  /** Cross-validation folds over the training part: 0 (none, the default) or 2..20. */
  cv?: number;
  /** Seed of the splits and of the model (default 0). */
  seed?: number;
  /** The tracking experiment (created when absent); default the dataset's name. */
  experiment?: string;
  /** The run's name; default `<model>-<target>`. */
  runName?: string;
  /**
   * How test rows and folds are chosen: `random` (default; stratified for classification), `group`
   * (rows sharing `column`'s value stay on one side) or `time` (the latest rows by `column` are the
   * test set; folds are rolling-origin).
   */
  split?: { kind: 'random' | 'group' | 'time'; column?: string };
  /** Register the model under this name as a new version. */
  register?: string;
}

/** A column training left out, and why (`identifier`, `datetime`, `text`, `pii`, `constant`, …). */
export interface ExcludedColumn {
  column: string;
  reason: string;
}

/** What a finished `train` job answers. */
export interface TrainResult {
  runId: string;
  experimentId: string;
  model: string;
  task: string;
  /** The dataset version trained on, resolved (`churn@3`). */
  data: string;
  target: string;
  /** The model's input features after encoding. */
  features: string[];
  excluded: ExcludedColumn[];
  rows: { train: number; test: number };
  /** Test metrics by name (`roc_auc`, `accuracy`, `rmse`, …). */
  metrics: Record<string, number>;
  /** Cross-validated metrics, mean and standard deviation over the folds; null without cv. */
  cv: Record<string, { mean: number; std: number }> | null;
  /** Iterations (rounds, trees) fitted, when the family iterates. */
  iterations: number | null;
  fitSeconds: number;
  /** True when the job was cancelled during the fit and kept what was built (on the run, KILLED). */
  stopped: boolean;
  /** The new model version; null when not asked for or when the job was cancelled. */
  registered: { name: string; version: string } | null;
}

/** A `tune` job: a hyperparameter search over one family; every trial is a child run. */
export interface TuneSpec extends TrainSpec {
  /** default `tpe`. */
  sampler?: 'grid' | 'random' | 'tpe';
  /** Number of trials (default 20). */
  trials?: number;
  /** Trials run at once (default 1, at most the server's cores). */
  parallel?: number;
  /** The metric to optimise (default: roc_auc for binary, log_loss for multiclass, rmse for regression). */
  metric?: string;
  /** The space to search; default the family's. */
  space?: SearchSpace;
  /** Successive-halving (ASHA) early stopping of poor trials (default false). */
  asha?: boolean;
  /** Stop starting trials after this many seconds. */
  timeoutSeconds?: number;
  /** Cross-validation folds of every trial, 2..20 (default 3; 0 is refused). */
  cv?: number;
}

/** One trial of a search. */
export interface TuneTrial {
  index: number;
  params: Record<string, HyperparameterValue>;
  /** `complete`, `pruned`, `failed`, … */
  state: string;
  /** The cross-validated metric (complete), or the last rung's (pruned). */
  value?: number;
  /** 1 for the best: complete trials first by value, then pruned ones; null without a value. */
  rank: number | null;
  runId: string | null;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  error?: string;
}

/** What a finished `tune` job answers. */
export interface TuneResult {
  parentRunId: string;
  experimentId: string;
  model: string;
  task: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  /** null when no trial completed. */
  best: {
    trial: number;
    params: Record<string, HyperparameterValue>;
    value: number;
    runId: string | null;
  } | null;
  trials: TuneTrial[];
  /** The model refitted on the whole training part with the best params (on the parent run); null when cancelled. */
  final: {
    runId: string;
    metrics: Record<string, number>;
    fitSeconds: number;
    iterations: number | null;
  } | null;
  /** True when the timeout or a cancel ended the search before all trials ran. */
  stopped: boolean;
  registered: { name: string; version: string } | null;
}

/** An `automl` job: a time-boxed search over families with a cross-validated leaderboard. */
export interface AutomlSpec {
  data: string;
  target: string;
  task?: TrainTask;
  features?: string[];
  drop?: string[];
  /** The time budget in seconds, 10..86400. */
  budgetSeconds: number;
  metric?: string;
  /** Families to try; default every family that does the task. */
  models?: string[];
  /** Folds (default 3). */
  cv?: number;
  /** Average the top models into an ensemble (default true). */
  ensemble?: boolean;
  /** Share of rows held out for the winner's test metrics (default 0.2). */
  testSize?: number;
  register?: string;
  experiment?: string;
  runName?: string;
  seed?: number;
  /** The id of an interrupted automl job whose finished trials are reused. */
  resume?: string;
}

/** One line of an AutoML leaderboard, best first. */
export interface LeaderboardEntry {
  rank: number;
  model: string;
  params: Record<string, HyperparameterValue>;
  cv: { mean: number; std: number };
  fitSeconds: number;
  latencyMsPerRow: number;
  sizeBytes: number;
  runId: string;
}

/** What a finished `automl` job answers. */
export interface AutomlResult {
  parentRunId: string;
  experimentId: string;
  task: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  leaderboard: LeaderboardEntry[];
  /** null when no candidate was scored. */
  best: {
    model: string;
    runId: string;
    params: Record<string, HyperparameterValue>;
    cv: { mean: number; std: number };
  } | null;
  ensemble: {
    members: { model: string; params: Record<string, HyperparameterValue> }[];
    cv: { mean: number; std: number };
    runId: string;
  } | null;
  /** The winner's test metrics (on the parent run); null when cancelled. */
  final: { runId: string; model: string; metrics: Record<string, number>; fitSeconds: number } | null;
  /** Candidates scored by this job, and those read back from the resumed job's runs. */
  candidates: { scored: number; reused: number; failed: number };
  elapsedSeconds: number;
  registered: { name: string; version: string } | null;
}

/** An `explain` job: SHAP values and importances of a trained run's model. */
export interface ExplainSpec {
  runId: string;
  /** Rows explained (default 500, at most 10,000). */
  rows?: number;
  /** default `auto`: exact TreeSHAP for tree models, else permutation. */
  method?: 'auto' | 'tree' | 'kernel' | 'permutation';
}

/** What a finished `explain` job answers; the full explanations are the run's `explanations.json`. */
export interface ExplainResult {
  runId: string;
  /** `explanations.json`. */
  artifact: string;
  method: string;
  rows: number;
  /** The top 20 features by mean |SHAP|, largest first. */
  globalImportance: { feature: string; meanAbs: number }[];
}

/** The run artifact `evaluation.json`: test-set metrics and chart data, thinned to a few hundred points. */
export interface Evaluation {
  task: TrainTask;
  /** Test rows evaluated. */
  rows: number;
  metrics: Record<string, number>;
  /** A classifier's labels in probability order. */
  classes?: (string | number | boolean)[];
  /** Rows: actual class, columns: predicted class, in `classes` order. */
  confusion?: number[][];
  roc?: { fpr: number[]; tpr: number[] };
  pr?: { precision: number[]; recall: number[] };
  calibration?: { predicted: number[]; observed: number[]; counts: number[] };
  /** Regression: a sample of (actual, predicted) pairs. */
  scatter?: { actual: number[]; predicted: number[] };
}

/** The run artifact `feature_importance.json`, most important first (families that report importances). */
export type FeatureImportance = { feature: string; importance: number }[];

/** The run artifact `explanations.json`, as an `explain` job writes it. */
export interface Explanations {
  method: 'tree' | 'kernel' | 'permutation';
  /** What the SHAP values explain: `raw` tree margins (TreeSHAP), `probability` or `value` (regressors). */
  space: 'raw' | 'probability' | 'value';
  /** The output summarised: the positive class (1) of a binary model, else 0. */
  output: number;
  /** The SHAP base value of that output. */
  expectedValue: number;
  /** The model's features (after encoding), in matrix order. */
  features: string[];
  /** Every feature by mean |SHAP|, largest first. */
  globalImportance: { feature: string; meanAbs: number }[];
  /** The top 20 features: (encoded feature value, SHAP value) points. */
  beeswarm: Record<string, { value: number; shap: number }[]>;
  /** Waterfalls of the first rows: base + the contributions' SHAP values = output. */
  rows: {
    index: number;
    base: number;
    output: number;
    /** Largest |SHAP| first; the rest summed in one `N other features` entry. */
    contributions: { feature: string; value: number | null; shap: number }[];
  }[];
  /** Drop of the task's score when a feature is shuffled, largest first. */
  permutationImportance: { feature: string; mean: number; std: number }[];
  /** The top 6 features: the average prediction over a grid of the feature's values. */
  partialDependence: Record<string, { grid: number[]; average: number[] }>;
  /** The number of test rows explained. */
  rowsExplained: number;
  /** A classifier's labels in probability order; null for regression. */
  classes: (string | number | boolean)[] | null;
  /** The raw input values of the waterfall rows, in `rows` order. */
  inputRows: Record<string, unknown>[];
}
