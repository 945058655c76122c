/**
 * LightGBM's text model format (`booster.save_model('model.txt')`, format versions v2 to v4) read
 * into flat typed arrays: a header of `key=value` lines, one `Tree=` block per tree, `end of trees`,
 * then feature importances, the training parameters and the pandas categories.
 *
 * Nodes keep LightGBM's numbering: tree `t` owns internal nodes `nodeStart[t] ..` and leaves
 * `leafStart[t] ..`; `left`/`right` hold a child's index within its tree, `~leaf` (negative) for
 * a leaf. Every tree is checked to be a tree (each node reached once from the root), so walking
 * it always ends.
 */
import { LatheError } from '../../../core/index.js';
import { type LgbObjective, parseObjective } from './objectives.js';
import { parseTree, type TreeBlock } from './tree-block.js';

/** A LightGBM model read from its text file. */
export interface LightgbmModel {
  /** The format version (`v2`, `v3`, `v4`). */
  version: string;
  objective: LgbObjective;
  /** `num_class` of the header. */
  numClass: number;
  /** Trees per boosting round: one per class for multiclass objectives, else 1. */
  treesPerIteration: number;
  /** Random-forest mode: the rounds' outputs are averaged instead of summed. */
  averageOutput: boolean;
  /** Feature names in matrix order (`max_feature_idx + 1` of them). */
  featureNames: string[];
  /** `feature_infos` per feature: `[min:max]`, a `:`-list of categories, or `none`. */
  featureInfos: string[];
  trees: number;
  nodeStart: Int32Array;
  leafStart: Int32Array;
  splitFeature: Int32Array;
  threshold: Float64Array;
  decisionType: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Categorical nodes: their bitset's first word in `catBits` and its number of words. */
  catStart: Int32Array;
  catWords: Int32Array;
  catBits: Uint32Array;
  /**
   * Per internal node: 0 for a numeric split whose missing type is None or NaN (the fast path:
   * numbers compare, NaN goes to `nanLeft`), 1 for zero-as-missing, 2 for categorical.
   */
  nodeKind: Uint8Array;
  /** Numeric nodes of kind 0: 1 when NaN goes left (where 0 goes for None, the default side for NaN). */
  nanLeft: Uint8Array;
  leafValue: Float64Array;
  /** Training rows (or weights when counts are absent) reaching each node: TreeSHAP's cover. */
  internalCover: Float64Array;
  leafCover: Float64Array;
  /** The training parameters of the `parameters:` section, by name (numbers where numeric). */
  params: Record<string, unknown>;
  /** Split counts per feature name, from the `feature importances:` section. */
  importances: Record<string, number>;
  /** Category values of pandas categorical columns, in the order of those columns, or null. */
  pandasCategorical: unknown[][] | null;
}

/** Decision-type bits of a split (LightGBM's `kCategoricalMask`, `kDefaultLeftMask`). */
export const CATEGORICAL_MASK = 1;
export const DEFAULT_LEFT_MASK = 2;
/** Missing-value handling of a numeric split: `(decisionType >> 2) & 3`. */
export const MISSING_NONE = 0;
export const MISSING_ZERO = 1;
export const MISSING_NAN = 2;

function invalid(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', `LightGBM model: ${message}`, details);
}

/**
 * True when `head` (the first bytes of a file, as text) starts like a LightGBM text model: the
 * line `tree`, then `version=v…` and `num_class=` header lines. Cheap; the parser decides.
 */
export function looksLikeLightgbm(head: string): boolean {
  return /^tree\r?\n/.test(head) && /\nversion=v\d/.test(head) && /\nnum_class=\d/.test(head);
}

function intOf(value: string | undefined, key: string, min: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < min)
    throw invalid(`header ${key} must be an integer >= ${min}; got ${JSON.stringify(value ?? null)}`);
  return n;
}

function paramValue(v: string): unknown {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
}

/** Reads the sections after the trees: importances, parameters, pandas categories. */
function readTrailer(
  lines: string[],
  from: number,
  model: Pick<LightgbmModel, 'params' | 'importances' | 'pandasCategorical'>,
): void {
  let section = '';
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line === 'feature importances:' || line === 'feature_importances:') section = 'importances';
    else if (line === 'parameters:') section = 'parameters';
    else if (line === 'end of parameters') section = '';
    else if (line.startsWith('pandas_categorical:')) {
      const json = line.slice('pandas_categorical:'.length);
      try {
        const v: unknown = JSON.parse(json);
        if (v !== null && !(Array.isArray(v) && v.every(Array.isArray)))
          throw new Error('not a list of lists');
        model.pandasCategorical = v as unknown[][] | null;
      } catch (err) {
        throw invalid(
          `pandas_categorical must be null or a JSON list of category lists (${(err as Error).message})`,
        );
      }
    } else if (section === 'importances') {
      const eq = line.lastIndexOf('=');
      if (eq > 0) model.importances[line.slice(0, eq)] = Number(line.slice(eq + 1));
    } else if (section === 'parameters') {
      const m = /^\[([^:\]]+): ?(.*)\]$/.exec(line);
      if (m) model.params[m[1]!] = paramValue(m[2]!);
    }
  }
}

/**
 * Parses a LightGBM text model.
 * @throws LatheError MODEL_PACKAGE_INVALID for a file that is not one, is truncated (trees
 *   missing against `tree_sizes`, a tree block cut short, no `end of trees`), holds malformed
 *   trees, or uses what Lathe does not evaluate (linear trees, unknown objectives).
 */
export function parseModelText(text: string): LightgbmModel {
  if (!/^tree\r?\n/.test(text))
    throw invalid(
      `expected a text model starting with the line "tree"; got ${JSON.stringify(text.slice(0, 20))}`,
    );
  const lines = text.split(/\r?\n/);
  const header = new Map<string, string>();
  let i = 1;
  for (; i < lines.length && !lines[i]!.startsWith('Tree='); i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) header.set(line.trim(), '');
    else header.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const version = header.get('version');
  if (!version || !/^v\d+$/.test(version))
    throw invalid(`header version must be v2, v3 or v4; got ${JSON.stringify(version ?? null)}`);
  const numClass = intOf(header.get('num_class'), 'num_class', 1);
  const treesPerIteration = intOf(header.get('num_tree_per_iteration'), 'num_tree_per_iteration', 1);
  const maxFeature = intOf(header.get('max_feature_idx'), 'max_feature_idx', 0);
  const cols = maxFeature + 1;
  const featureNames = (header.get('feature_names') ?? '').split(' ');
  if (featureNames.length !== cols || featureNames.some((n) => n === ''))
    throw invalid(
      `feature_names must list ${cols} names (max_feature_idx + 1); got ${featureNames.filter(Boolean).length}`,
    );
  if (new Set(featureNames).size !== cols) throw invalid('feature_names holds a name twice');
  const infos = header.has('feature_infos')
    ? header.get('feature_infos')!.split(' ')
    : featureNames.map(() => 'none');
  if (infos.length !== cols) throw invalid(`feature_infos must hold ${cols} entries; got ${infos.length}`);
  const objective = parseObjective(header.get('objective'));
  if (objective.task === 'multiclass') {
    if (objective.numClass !== undefined && objective.numClass !== numClass)
      throw invalid(
        `objective says num_class:${objective.numClass} but the header says num_class=${numClass}`,
      );
    if (numClass < 2) throw invalid(`a ${objective.name} model needs num_class >= 2; got ${numClass}`);
  }
  if (objective.task === 'multiclass' && treesPerIteration !== numClass)
    throw invalid(
      `num_tree_per_iteration=${treesPerIteration} must equal num_class=${numClass} for ${objective.name}`,
    );
  if (objective.task !== 'multiclass' && treesPerIteration !== 1)
    throw invalid(
      `num_tree_per_iteration must be 1 for objective ${objective.name}; got ${treesPerIteration}`,
    );

  // Tree blocks.
  const blocks: TreeBlock[] = [];
  let sawEnd = false;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === 'end of trees') {
      sawEnd = true;
      i++;
      break;
    }
    if (line === '') {
      i++;
      continue;
    }
    if (!line.startsWith('Tree=')) break;
    const index = Number(line.slice(5));
    if (index !== blocks.length)
      throw invalid(`expected Tree=${blocks.length}; got ${JSON.stringify(line)}`, { tree: blocks.length });
    const fields = new Map<string, string>();
    for (i++; i < lines.length && lines[i] !== ''; i++) {
      const l = lines[i]!;
      const eq = l.indexOf('=');
      if (eq < 0) throw invalid(`tree ${index}: expected key=value; got ${JSON.stringify(l.slice(0, 40))}`);
      fields.set(l.slice(0, eq), l.slice(eq + 1));
    }
    blocks.push(parseTree(fields, index, cols));
  }
  const sizes = header.get('tree_sizes');
  if (sizes !== undefined) {
    const expected = sizes.trim() === '' ? 0 : sizes.trim().split(' ').length;
    if (expected !== blocks.length)
      throw invalid(`tree_sizes lists ${expected} trees but the file holds ${blocks.length} (truncated?)`);
  }
  if (!sawEnd && (version !== 'v2' || sizes === undefined))
    throw invalid('the file ends without "end of trees" (truncated?)');
  if (blocks.length === 0) throw invalid('the model holds no trees');
  if (blocks.length % treesPerIteration !== 0)
    throw invalid(`${blocks.length} trees is not a whole number of rounds of ${treesPerIteration} trees`);

  const model = assemble(blocks);
  const out: LightgbmModel = {
    version,
    objective,
    numClass,
    treesPerIteration,
    averageOutput: header.has('average_output'),
    featureNames,
    featureInfos: infos,
    trees: blocks.length,
    ...model,
    params: {},
    importances: {},
    pandasCategorical: null,
  };
  readTrailer(lines, i, out);
  return out;
}

/** Concatenates the trees' arrays. */
function assemble(blocks: TreeBlock[]) {
  const trees = blocks.length;
  const nodeStart = new Int32Array(trees + 1);
  const leafStart = new Int32Array(trees + 1);
  let words = 0;
  for (let t = 0; t < trees; t++) {
    nodeStart[t + 1] = nodeStart[t]! + blocks[t]!.leafValue.length - 1;
    leafStart[t + 1] = leafStart[t]! + blocks[t]!.leafValue.length;
    words += blocks[t]!.catThreshold.length;
  }
  const nodes = nodeStart[trees]!;
  const leaves = leafStart[trees]!;
  const out = {
    nodeStart,
    leafStart,
    splitFeature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    decisionType: new Uint8Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    catStart: new Int32Array(nodes),
    catWords: new Int32Array(nodes),
    catBits: new Uint32Array(words),
    nodeKind: new Uint8Array(nodes),
    nanLeft: new Uint8Array(nodes),
    leafValue: new Float64Array(leaves),
    internalCover: new Float64Array(nodes),
    leafCover: new Float64Array(leaves),
  };
  let wordBase = 0;
  for (let t = 0; t < trees; t++) {
    const b = blocks[t]!;
    const n0 = nodeStart[t]!;
    out.splitFeature.set(b.splitFeature, n0);
    out.threshold.set(b.threshold, n0);
    out.decisionType.set(b.decisionType, n0);
    out.left.set(b.left, n0);
    out.right.set(b.right, n0);
    out.internalCover.set(b.internalCover, n0);
    out.leafValue.set(b.leafValue, leafStart[t]!);
    out.leafCover.set(b.leafCover, leafStart[t]!);
    out.catBits.set(b.catThreshold, wordBase);
    for (let j = 0; j < b.splitFeature.length; j++) {
      const dt = b.decisionType[j]!;
      if ((dt & CATEGORICAL_MASK) === 0) {
        const missing = (dt >> 2) & 3;
        out.nodeKind[n0 + j] = missing === MISSING_ZERO ? 1 : 0;
        const defaultLeft = (dt & DEFAULT_LEFT_MASK) !== 0;
        out.nanLeft[n0 + j] = (missing === MISSING_NAN ? defaultLeft : 0 <= b.threshold[j]!) ? 1 : 0;
        continue;
      }
      out.nodeKind[n0 + j] = 2;
      const c = b.threshold[j]!;
      out.catStart[n0 + j] = wordBase + b.catBoundaries[c]!;
      out.catWords[n0 + j] = b.catBoundaries[c + 1]! - b.catBoundaries[c]!;
    }
    wordBase += b.catThreshold.length;
  }
  return out;
}
