/**
 * The {@link TreeEnsemble} view of an XGBoost model, for exact TreeSHAP (XGBoost's `pred_contribs`)
 * and the other tree walkers. Its raw outputs are XGBoost's margins.
 */
import type { TreeEnsemble } from '../../../ml/index.js';
import { splitBoundaries } from './evaluate.js';
import type { XgbModel } from './model.js';

/**
 * The model as a TreeEnsemble: numeric thresholds are the double boundaries of XGBoost's float32
 * test (`x <= boundary` ⇔ `float32(x) < split`), leaves are the float32 leaf values (times the DART
 * weight), cover is `sum_hessian`, base the float32 base margins. A categorical split keeps
 * XGBoost's category set as its bitset with the children swapped (XGBoost sends the set right,
 * the TreeEnsemble sends its bitset left), so negative and unseen codes go where XGBoost sends
 * them; non-integer codes, which XGBoost truncates, go to XGBoost's left child here.
 */
export function xgbTreeEnsemble(model: XgbModel): TreeEnsemble {
  const t = model.trees;
  const boundary = splitBoundaries(t);
  const n = t.feature.length;
  const G = model.groups;
  const threshold = new Float64Array(n);
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const missingLeft = new Uint8Array(n);
  const value = new Float64Array(n * G);
  for (let g = 0; g < n; g++) {
    if (t.feature[g]! < 0) {
      value[g * G] = t.value[g]!;
      continue;
    }
    if (t.categorical[g] === 1) {
      left[g] = t.right[g]!;
      right[g] = t.left[g]!;
      missingLeft[g] = 1 - t.defaultLeft[g]!;
    } else {
      threshold[g] = boundary[g]!;
      left[g] = t.left[g]!;
      right[g] = t.right[g]!;
      missingLeft[g] = t.defaultLeft[g]!;
    }
  }
  const anyCat = t.categorical.includes(1);
  const link =
    model.objective.task === 'multiclass'
      ? 'softmax'
      : model.objective.transform === 'logistic'
        ? 'logistic'
        : 'identity';
  return {
    treeStart: t.treeStart,
    feature: t.feature,
    threshold,
    left,
    right,
    missingLeft,
    ...(anyCat ? { categorical: t.categorical, catStart: t.catStart, catBits: t.catBits } : {}),
    cover: t.cover,
    value,
    outputs: G,
    treeOutput: t.treeGroup,
    scale: 1,
    base: Float64Array.from(model.baseMargin),
    link,
    cols: model.numFeature,
  };
}
