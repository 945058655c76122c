/**
 * Small hand-written LightGBM text models for unit tests (not used by the flavor itself).
 */

/** One tree block's fields (`num_leaves`, `leaf_value`…), in file order. */
export type TreeFields = Record<string, string | number>;

/** Options of {@link modelText}. */
export interface ModelTextOptions {
  objective?: string;
  features?: string[];
  numClass?: number;
  treesPerIteration?: number;
  version?: string;
  averageOutput?: boolean;
  /** Extra header lines, verbatim. */
  header?: string[];
  /** Written after `end of trees`. */
  trailer?: string;
}

/** A one-leaf tree of value `v`. */
export function leafTree(v: number): TreeFields {
  return {
    num_leaves: 1,
    num_cat: 0,
    split_feature: '',
    threshold: '',
    decision_type: '',
    left_child: '',
    right_child: '',
    leaf_value: v,
    leaf_count: 10,
    internal_value: '',
    internal_count: '',
    is_linear: 0,
    shrinkage: 1,
  };
}

/** A stump on `feature`: `x <= threshold` (with `decisionType`) goes to `left`, else `right`. */
export function stump(
  feature: number,
  threshold: number,
  decisionType: number,
  left: number,
  right: number,
): TreeFields {
  return {
    num_leaves: 2,
    num_cat: 0,
    split_feature: feature,
    split_gain: 1,
    threshold,
    decision_type: decisionType,
    left_child: -1,
    right_child: -2,
    leaf_value: `${left} ${right}`,
    leaf_weight: '3 1',
    leaf_count: '3 1',
    internal_value: 0,
    internal_weight: 4,
    internal_count: 4,
    is_linear: 0,
    shrinkage: 1,
  };
}

/** A categorical stump: categories whose bit is set in `words` go to `left`. */
export function catStump(
  feature: number,
  words: number[],
  left: number,
  right: number,
  decisionType = 1,
): TreeFields {
  return {
    num_leaves: 2,
    num_cat: 1,
    split_feature: feature,
    split_gain: 1,
    threshold: 0,
    decision_type: decisionType,
    left_child: -1,
    right_child: -2,
    leaf_value: `${left} ${right}`,
    leaf_count: '2 2',
    internal_value: 0,
    internal_count: 4,
    cat_boundaries: `0 ${words.length}`,
    cat_threshold: words.join(' '),
    is_linear: 0,
    shrinkage: 1,
  };
}

/** A LightGBM v4 text model holding `trees`. */
export function modelText(trees: TreeFields[], o: ModelTextOptions = {}): string {
  const features = o.features ?? ['a', 'b'];
  const blocks = trees.map(
    (t, i) =>
      `Tree=${i}\n${Object.entries(t)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n\n\n`,
  );
  return [
    'tree',
    `version=${o.version ?? 'v4'}`,
    `num_class=${o.numClass ?? 1}`,
    `num_tree_per_iteration=${o.treesPerIteration ?? 1}`,
    'label_index=0',
    `max_feature_idx=${features.length - 1}`,
    `objective=${o.objective ?? 'regression'}`,
    ...(o.averageOutput ? ['average_output'] : []),
    `feature_names=${features.join(' ')}`,
    `feature_infos=${features.map(() => '[-1:1]').join(' ')}`,
    `tree_sizes=${blocks.map((b) => b.length).join(' ')}`,
    ...(o.header ?? []),
    '',
    `${blocks.join('')}end of trees`,
    '',
    o.trailer ??
      'feature_importances:\na=1\n\nparameters:\n[boosting: gbdt]\n[learning_rate: 0.1]\nend of parameters\n\npandas_categorical:null',
    '',
  ].join('\n');
}
