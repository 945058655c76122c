/**
 * One `Tree=` block of a LightGBM text model, read and checked: every array has the length its
 * `num_leaves` implies, children and categorical bitsets are in range, and the nodes form a tree.
 */
import { LatheError } from '../../../core/index.js';

/** A tree's arrays in LightGBM's layout (internal nodes, then leaves; children `~leaf` < 0). */
export interface TreeBlock {
  splitFeature: Int32Array;
  threshold: Float64Array;
  decisionType: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  leafValue: Float64Array;
  internalCover: Float64Array;
  leafCover: Float64Array;
  catBoundaries: Int32Array;
  catThreshold: Uint32Array;
}

function invalid(tree: number, message: string): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', `LightGBM model: tree ${tree}: ${message}`, { tree });
}

/** LightGBM writes doubles with `%.17g` (and `inf`, `-inf`, `nan` for non-finite values). */
function toNumber(s: string): number {
  const n = Number(s);
  if (!Number.isNaN(n) || s === 'nan' || s === 'NaN' || s === '-nan') return n;
  if (s === 'inf' || s === '+inf') return Number.POSITIVE_INFINITY;
  if (s === '-inf') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** The values of `key`, exactly `count` of them. */
function numbers(
  fields: Map<string, string>,
  key: string,
  count: number,
  tree: number,
  required = true,
): number[] | undefined {
  const raw = fields.get(key);
  if (raw === undefined) {
    if (required) throw invalid(tree, `the block has no ${key} line (truncated or not a LightGBM model)`);
    return undefined;
  }
  const parts = count === 0 && raw.trim() === '' ? [] : raw.trim().split(/\s+/);
  if (parts.length !== count) throw invalid(tree, `${key} must hold ${count} values; got ${parts.length}`);
  const out = parts.map(toNumber);
  const bad = out.findIndex((v, j) => Number.isNaN(v) && !/^-?nan$/i.test(parts[j]!));
  if (bad >= 0) throw invalid(tree, `${key} holds ${JSON.stringify(parts[bad])}, which is not a number`);
  return out;
}

function integers(
  fields: Map<string, string>,
  key: string,
  count: number,
  tree: number,
  min: number,
  max: number,
): number[] {
  const out = numbers(fields, key, count, tree)!;
  for (const v of out)
    if (!Number.isInteger(v) || v < min || v > max)
      throw invalid(tree, `${key} holds ${v}; values must be integers in [${min}, ${max}]`);
  return out;
}

/**
 * Reads one tree block's `key=value` fields.
 * @throws LatheError MODEL_PACKAGE_INVALID naming the tree and the field at fault.
 */
export function parseTree(fields: Map<string, string>, tree: number, cols: number): TreeBlock {
  const leaves = Number(fields.get('num_leaves'));
  if (!Number.isInteger(leaves) || leaves < 1)
    throw invalid(
      tree,
      `num_leaves must be an integer >= 1; got ${JSON.stringify(fields.get('num_leaves') ?? null)}`,
    );
  const isLinear = fields.get('is_linear');
  if (isLinear !== undefined && isLinear.trim() !== '0')
    throw invalid(
      tree,
      'it is a linear tree (linear_tree=true), which Lathe does not evaluate; retrain with linear_tree=false or export the model to ONNX',
    );
  const leafValue = numbers(fields, 'leaf_value', leaves, tree)!;
  const leafCount = numbers(fields, 'leaf_count', leaves, tree, false);
  const leafWeight = numbers(fields, 'leaf_weight', leaves, tree, false);
  const inner = leaves - 1;
  const block: TreeBlock = {
    splitFeature: new Int32Array(inner),
    threshold: new Float64Array(inner),
    decisionType: new Uint8Array(inner),
    left: new Int32Array(inner),
    right: new Int32Array(inner),
    leafValue: Float64Array.from(leafValue),
    internalCover: new Float64Array(inner),
    leafCover: Float64Array.from(leafCount ?? leafWeight ?? leafValue.map(() => 1)),
    catBoundaries: new Int32Array(1),
    catThreshold: new Uint32Array(0),
  };
  if (leafValue.some((v) => !Number.isFinite(v)))
    throw invalid(tree, 'leaf_value holds a value that is not finite');
  if (inner === 0) return block;

  block.splitFeature.set(integers(fields, 'split_feature', inner, tree, 0, cols - 1));
  block.threshold.set(numbers(fields, 'threshold', inner, tree)!);
  block.decisionType.set(integers(fields, 'decision_type', inner, tree, 0, 15));
  block.left.set(integers(fields, 'left_child', inner, tree, -leaves, inner - 1));
  block.right.set(integers(fields, 'right_child', inner, tree, -leaves, inner - 1));
  const internalCount = numbers(fields, 'internal_count', inner, tree, false);
  const internalWeight = numbers(fields, 'internal_weight', inner, tree, false);
  const internal = leafCount ? internalCount : leafWeight ? internalWeight : undefined;
  // Without internal covers, checkShape sums the leaves' up the tree.
  if (internal) block.internalCover.set(internal);

  const numCat = Number(fields.get('num_cat') ?? '0');
  if (!Number.isInteger(numCat) || numCat < 0)
    throw invalid(tree, `num_cat must be an integer >= 0; got ${fields.get('num_cat')}`);
  if (numCat > 0) {
    const bounds = integers(fields, 'cat_boundaries', numCat + 1, tree, 0, 2 ** 31 - 1);
    if (bounds[0] !== 0 || bounds.some((b, j) => j > 0 && b < bounds[j - 1]!))
      throw invalid(tree, 'cat_boundaries must start at 0 and never decrease');
    const words = integers(fields, 'cat_threshold', bounds[numCat]!, tree, 0, 2 ** 32 - 1);
    block.catBoundaries = Int32Array.from(bounds);
    block.catThreshold = Uint32Array.from(words);
  }
  for (let j = 0; j < inner; j++) {
    const dt = block.decisionType[j]!;
    if (((dt >> 2) & 3) === 3)
      throw invalid(tree, `node ${j} has decision_type ${dt}, whose missing type is not 0, 1 or 2`);
    if (dt & 1) {
      const c = block.threshold[j]!;
      if (!Number.isInteger(c) || c < 0 || c >= numCat)
        throw invalid(tree, `categorical node ${j} names bitset ${c}; the tree has ${numCat} (num_cat)`);
    }
  }
  checkShape(block, tree, leaves);
  return block;
}

/** Checks the nodes form one tree from root 0 and fills missing internal covers from the leaves. */
function checkShape(b: TreeBlock, tree: number, leaves: number): void {
  const inner = leaves - 1;
  const seenNode = new Uint8Array(inner);
  const seenLeaf = new Uint8Array(leaves);
  const fill = b.internalCover.every((v) => v === 0);
  // Post-order walk with an explicit stack (trees may be deep).
  const stack: number[] = [0];
  const order: number[] = [];
  seenNode[0] = 1;
  while (stack.length) {
    const node = stack.pop()!;
    order.push(node);
    for (const child of [b.left[node]!, b.right[node]!]) {
      if (child < 0) {
        const leaf = ~child;
        if (seenLeaf[leaf]) throw invalid(tree, `leaf ${leaf} is reached twice`);
        seenLeaf[leaf] = 1;
      } else {
        if (seenNode[child]) throw invalid(tree, `node ${child} is reached twice (a cycle)`);
        seenNode[child] = 1;
        stack.push(child);
      }
    }
  }
  if (order.length !== inner || seenLeaf.some((s) => s === 0))
    throw invalid(tree, 'some nodes are not reachable from the root');
  if (fill) {
    const cover = (c: number) => (c < 0 ? b.leafCover[~c]! : b.internalCover[c]!);
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      b.internalCover[node] = cover(b.left[node]!) + cover(b.right[node]!);
    }
  }
}
