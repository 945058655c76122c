/**
 * Extremely randomized trees (Geurts, Ernst & Wehenkel 2006) as scikit-learn's
 * ExtraTreesClassifier / ExtraTreesRegressor: per split, one uniform random threshold per candidate
 * feature and the best of those; every row used once by default (`bootstrap` false).
 */
import { ForestClassifier, ForestRegressor } from './forest.js';

/** A fitted extra-trees classifier. Targets are class indices 0..k−1. */
export class ExtraTreesClassifier extends ForestClassifier {
  protected static readonly kind = 'extra-trees-classifier';
  protected static readonly splitter = 'random';
}

/** A fitted extra-trees regressor (squared error). */
export class ExtraTreesRegressor extends ForestRegressor {
  protected static readonly kind = 'extra-trees-regressor';
  protected static readonly splitter = 'random';
}
