/**
 * Pure statistics on numeric columns (Float64Array or number[], NaN as missing): descriptive
 * statistics, quantiles, histograms and category counts, and drift statistics with their
 * special functions. No I/O; every function validates its input and throws
 * LatheError('INVALID_ARGUMENT') naming what was expected and what arrived.
 */
export type { NumericArray } from './check.js';
export {
  kurtosis,
  max,
  mean,
  min,
  pearsonCorrelation,
  skewness,
  spearmanCorrelation,
  std,
  type Summary,
  summarize,
  type VarianceOptions,
  variance,
} from './descriptive.js';
export {
  type ChiSquareResult,
  chiSquareHomogeneity,
  type DriftResult,
  jensenShannon,
  type Ks2SampOptions,
  type KsResult,
  ks2Samp,
  ksFromDiffs,
  type PsiOptions,
  psi,
  wasserstein1,
} from './drift.js';
export {
  alignCategories,
  binWithSketch,
  type CategoricalCounts,
  categoricalCounts,
  type HistogramSketch,
  histogram,
  histogramEdges,
  histogramSketch,
} from './histogram.js';
export { ksTwoSampleExactSf, smirnovSf } from './ks-distribution.js';
export { kstwoSf } from './kstwo.js';
export { median, type QuantileOptions, quantile, sortedValues } from './quantiles.js';
export { argsort, type SortScratch, sortScratch } from './ranks.js';
export { type KsWassersteinResult, ksWassersteinSorted, SortWorkspace, sortFinite } from './sorted-drift.js';
export {
  chiSquareSf,
  kolmogorovSf,
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
} from './special.js';
