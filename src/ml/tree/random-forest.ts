/**
 * Random forests (Breiman 2001) as scikit-learn's RandomForestClassifier / RandomForestRegressor:
 * trees grown with the exhaustive split search on bootstrap samples, a random feature subset per
 * split (default sqrt(cols) for classification, all for regression).
 */
import { ForestClassifier, ForestRegressor } from './forest.js';

/** A fitted random forest classifier. Targets are class indices 0..k−1. */
export class RandomForestClassifier extends ForestClassifier {
  protected static readonly kind = 'random-forest-classifier';
  protected static readonly splitter = 'best';
}

/** A fitted random forest regressor (squared error). */
export class RandomForestRegressor extends ForestRegressor {
  protected static readonly kind = 'random-forest-regressor';
  protected static readonly splitter = 'best';
}
