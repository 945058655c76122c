/**
 * A LightGBM model as a {@link TreeEnsemble}, for TreeSHAP and the other tree walkers. Nodes are
 * renumbered per tree in pre-order (children after their parent); covers are LightGBM's training
 * counts, as its own `pred_contrib` uses.
 */
import { LatheError } from '../../../core/index.js';
import type { TreeEnsemble } from '../../../ml/index.js';
import { convertsOutput, ZERO_THRESHOLD } from './evaluate.js';
import {
  CATEGORICAL_MASK,
  DEFAULT_LEFT_MASK,
  type LightgbmModel,
  MISSING_NAN,
  MISSING_ZERO,
} from './model-text.js';

/**
 * The model as a TreeEnsemble. NaN follows LightGBM exactly (a numeric split without NaN handling
 * sends it where 0 goes; categorical splits send it right); categorical inputs must be integer
 * codes (LightGBM truncates fractions, the ensemble sends them right).
 * @throws LatheError INVALID_ARGUMENT for a zero-as-missing split whose default side differs from
 *   the side 0 compares to, which a TreeEnsemble cannot express.
 */
export function lightgbmEnsemble(m: LightgbmModel): TreeEnsemble {
  const k = m.treesPerIteration;
  const n = m.nodeStart[m.trees]! + m.leafStart[m.trees]!;
  const treeStart = new Int32Array(m.trees + 1);
  const feature = new Int32Array(n).fill(-1);
  const threshold = new Float64Array(n);
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const missingLeft = new Uint8Array(n);
  const categorical = new Uint8Array(n);
  const catStart = new Int32Array(n + 1);
  const cover = new Float64Array(n);
  const value = new Float64Array(n * k);
  const hasCat = m.catBits.length > 0;
  const words: number[] = [];

  let g = 0;
  for (let t = 0; t < m.trees; t++) {
    treeStart[t] = g;
    const base = g;
    const n0 = m.nodeStart[t]!;
    const l0 = m.leafStart[t]!;
    // Pre-order walk; `slot` is the node's index within the ensemble tree.
    const stack: number[] = [m.nodeStart[t + 1] === n0 ? -1 : 0];
    const slots: number[] = [];
    const parents: [number, number][] = [];
    while (stack.length) {
      const node = stack.pop()!;
      const slot = g++;
      slots.push(slot);
      const pending = parents.pop();
      if (pending) (pending[1] === 0 ? left : right)[pending[0]] = slot - base;
      catStart[slot] = words.length;
      if (node < 0) {
        const leaf = l0 + ~node;
        value[slot * k] = m.leafValue[leaf]!;
        cover[slot] = m.leafCover[leaf]!;
        continue;
      }
      const src = n0 + node;
      const dt = m.decisionType[src]!;
      feature[slot] = m.splitFeature[src]!;
      cover[slot] = m.internalCover[src]!;
      if ((dt & CATEGORICAL_MASK) !== 0) {
        categorical[slot] = 1;
        for (let w = 0; w < m.catWords[src]!; w++) words.push(m.catBits[m.catStart[src]! + w]!);
      } else {
        const th = m.threshold[src]!;
        const missing = (dt >> 2) & 3;
        const defaultLeft = (dt & DEFAULT_LEFT_MASK) !== 0;
        threshold[slot] = th;
        if (missing === MISSING_NAN) missingLeft[slot] = defaultLeft ? 1 : 0;
        else if (missing === MISSING_ZERO) {
          const zeroLeft = th >= ZERO_THRESHOLD ? true : th < -ZERO_THRESHOLD ? false : undefined;
          if (zeroLeft !== defaultLeft)
            throw new LatheError(
              'INVALID_ARGUMENT',
              `tree ${t} treats zero as missing with a default side a TreeEnsemble cannot express; this model has no TreeSHAP explanation`,
            );
          missingLeft[slot] = defaultLeft ? 1 : 0;
        } else missingLeft[slot] = 0 <= th ? 1 : 0;
      }
      // Right pushed first so the left subtree is numbered first.
      stack.push(m.right[src]!, m.left[src]!);
      parents.push([slot, 1], [slot, 0]);
    }
    // Internal nodes' values: the cover-weighted mean of their children (post-order).
    for (let s = slots.length - 1; s >= 0; s--) {
      const slot = slots[s]!;
      if (feature[slot]! < 0) continue;
      const a = base + left[slot]!;
      const b = base + right[slot]!;
      const c = cover[a]! + cover[b]!;
      value[slot * k] = c > 0 ? (cover[a]! * value[a * k]! + cover[b]! * value[b * k]!) / c : 0;
    }
  }
  treeStart[m.trees] = g;
  catStart[n] = words.length;
  const rounds = m.trees / k;
  const binaryLogistic = m.objective.transform === 'sigmoid' && m.objective.sigmoid === 1;
  return {
    treeStart,
    feature,
    threshold,
    left,
    right,
    missingLeft,
    ...(hasCat ? { categorical, catStart, catBits: Uint32Array.from(words) } : {}),
    cover,
    value,
    outputs: k,
    ...(k > 1 ? { treeOutput: Int32Array.from({ length: m.trees }, (_, t) => t % k) } : {}),
    scale: m.averageOutput ? 1 / rounds : 1,
    base: new Float64Array(k),
    link: !convertsOutput(m)
      ? 'identity'
      : binaryLogistic && m.objective.task === 'binary'
        ? 'logistic'
        : m.objective.transform === 'softmax'
          ? 'softmax'
          : 'identity',
    cols: m.featureNames.length,
  };
}
