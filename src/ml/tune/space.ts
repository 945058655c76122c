/**
 * Search spaces for hyperparameter tuning and AutoML: one domain per hyperparameter, in the
 * estimators' own option names (e.g. `{ maxDepth: { type: 'int', low: 2, high: 12 } }`).
 */
export type ParamValue = string | number | boolean | null;

/** The values one hyperparameter may take. */
export type ParamDomain =
  /** Integers in [low, high], uniformly or log-uniformly (`log`, low >= 1). */
  | { type: 'int'; low: number; high: number; log?: boolean }
  /** Reals in [low, high], uniformly or log-uniformly (`log`, low > 0). */
  | { type: 'float'; low: number; high: number; log?: boolean }
  /** One of a fixed list. */
  | { type: 'categorical'; choices: readonly ParamValue[] };

/** Hyperparameter name → domain. */
export type SearchSpace = Readonly<Record<string, ParamDomain>>;

/** One point of a search space. */
export type ParamSet = Record<string, ParamValue>;
