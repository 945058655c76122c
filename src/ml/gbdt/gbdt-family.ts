/**
 * The `gbdt` model family (histogram gradient boosting) for the registry in src/ml/families.ts.
 */
import type { FittedModel, ModelFamily, Task } from '../family.js';
import { invalid } from '../input-checks.js';
import { GBDT_KIND, GradientBoosting } from './gradient-boosting.js';
import { GBDT_PARAM_HELP } from './options.js';

/** A FittedModel around a fitted {@link GradientBoosting}. */
function gbdtFitted(model: GradientBoosting): FittedModel {
  const out: FittedModel = {
    family: 'gbdt',
    task: model.task,
    cols: model.cols,
    iterations: model.iterations,
    predict: (X) => model.predict(X),
    save: () => model.save(),
    treeEnsemble: () => model.treeEnsemble(),
    featureImportances: () => model.featureImportances('gain'),
  };
  if (model.task !== 'regression') out.predictProba = (X) => model.predictProba(X);
  return out;
}

const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

/** Histogram gradient boosting as a {@link ModelFamily}. */
export const gbdtFamily: ModelFamily = {
  name: 'gbdt',
  summary: 'Histogram gradient boosting (XGBoost/LightGBM style): missing values and categories native',
  tasks: TASKS,
  params: GBDT_PARAM_HELP,
  space: {
    rounds: { type: 'int', low: 50, high: 1000, log: true },
    learningRate: { type: 'float', low: 0.01, high: 0.3, log: true },
    maxDepth: { type: 'int', low: 3, high: 10 },
    minChildWeight: { type: 'float', low: 0.1, high: 20, log: true },
    lambda: { type: 'float', low: 0.01, high: 10, log: true },
    subsample: { type: 'float', low: 0.5, high: 1 },
    colsampleByTree: { type: 'float', low: 0.5, high: 1 },
  },
  cheapStart: { rounds: 50, maxDepth: 4, learningRate: 0.1 },
  budgetParam: 'rounds',
  preprocess: { scale: false, missing: 'native', categorical: 'native' },
  kinds: [GBDT_KIND],
  fit(X, y, params, context) {
    if (!TASKS.includes(context.task))
      throw invalid(`model gbdt does not do ${context.task}; it does ${TASKS.join(', ')}`, {
        field: 'model',
      });
    return gbdtFitted(GradientBoosting.fit(X, y, params, context));
  },
  load: (saved) => gbdtFitted(GradientBoosting.load(saved)),
};
